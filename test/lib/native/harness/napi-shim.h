/* The minimal Node-API of napi-shim.c: values, and helpers for a caller standing in for JavaScript. */
#ifndef MLSD_NAPI_SHIM_H
#define MLSD_NAPI_SHIM_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SHIM_MAX_PROPS = 64, SHIM_MAX_ELEMENTS = 8 };

struct napi_value__ {
  napi_valuetype type;
  double number;
  bool boolean;
  char *string;
  int is_typed;
  napi_typedarray_type typed_type;
  void *data;
  size_t length;
  napi_callback callback;
  size_t n_props, n_elements;
  char *prop_names[SHIM_MAX_PROPS];
  napi_value props[SHIM_MAX_PROPS];
  napi_value elements[SHIM_MAX_ELEMENTS];
};

napi_env shim_env(void);
/* The message of the error the last call threw, or NULL. */
const char *shim_error(napi_env env);
napi_value shim_number(double x);
napi_value shim_bool(int b);
napi_value shim_null(void);
napi_value shim_string(const char *s);
napi_value shim_typed(napi_typedarray_type type, void *data, size_t length);
napi_value shim_object(void);
napi_value shim_get(napi_value object, const char *name);
napi_value shim_call(napi_env env, napi_value fn, size_t argc, napi_value *argv);
#endif
