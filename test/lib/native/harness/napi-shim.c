/*
 * A minimal Node-API for running the native module (every .c file of native/, unmodified) outside Node: just
 * the calls the kernels make (numbers, booleans, typed arrays, arrays, strings, functions on an exports object, thrown
 * errors). kernels-dump.c registers the module through it and calls the kernels as JavaScript would, so the
 * same module can run under qemu-aarch64 (NEON), where there is no arm64 Node. Values are never freed: the
 * program is short.
 */
#include "napi-shim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct napi_env__ {
  char error[512];
  int thrown;
};
struct napi_callback_info__ {
  size_t argc;
  napi_value *argv;
};

static napi_value fresh(napi_valuetype type) {
  napi_value v = calloc(1, sizeof *v);
  if (!v) abort();
  v->type = type;
  return v;
}

napi_env shim_env(void) {
  static struct napi_env__ env;
  return &env;
}
const char *shim_error(napi_env env) { return env->thrown ? env->error : NULL; }

napi_value shim_number(double x) {
  napi_value v = fresh(napi_number);
  v->number = x;
  return v;
}
napi_value shim_bool(int b) {
  napi_value v = fresh(napi_boolean);
  v->boolean = b != 0;
  return v;
}
napi_value shim_null(void) { return fresh(napi_null); }
napi_value shim_string(const char *s) {
  napi_value v = fresh(napi_string);
  v->string = strdup(s);
  return v;
}
napi_value shim_typed(napi_typedarray_type type, void *data, size_t length) {
  napi_value v = fresh(napi_object);
  v->is_typed = 1, v->typed_type = type, v->data = data, v->length = length;
  return v;
}
napi_value shim_object(void) { return fresh(napi_object); }

napi_value shim_get(napi_value object, const char *name) {
  for (size_t i = 0; i < object->n_props; i++)
    if (strcmp(object->prop_names[i], name) == 0) return object->props[i];
  return NULL;
}

napi_value shim_call(napi_env env, napi_value fn, size_t argc, napi_value *argv) {
  struct napi_callback_info__ info = {argc, argv};
  env->thrown = 0;
  return fn->callback(env, &info);
}

napi_status napi_get_cb_info(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv, napi_value *this_arg, void **data) {
  (void)env;
  if (argv)
    for (size_t i = 0; i < *argc; i++) argv[i] = i < info->argc ? info->argv[i] : fresh(napi_undefined);
  *argc = info->argc;
  if (this_arg) *this_arg = fresh(napi_undefined);
  if (data) *data = NULL;
  return napi_ok;
}

napi_status napi_typeof(napi_env env, napi_value value, napi_valuetype *result) {
  (void)env;
  *result = value->type;
  return napi_ok;
}

napi_status napi_get_typedarray_info(napi_env env, napi_value v, napi_typedarray_type *type, size_t *length, void **data, napi_value *arraybuffer, size_t *byte_offset) {
  (void)env;
  if (!v->is_typed) return napi_invalid_arg;
  if (type) *type = v->typed_type;
  if (length) *length = v->length;
  if (data) *data = v->data;
  if (arraybuffer) *arraybuffer = v;
  if (byte_offset) *byte_offset = 0;
  return napi_ok;
}

napi_status napi_get_value_int64(napi_env env, napi_value v, int64_t *result) {
  (void)env;
  if (v->type != napi_number) return napi_number_expected;
  *result = (int64_t)v->number;
  return napi_ok;
}
napi_status napi_get_value_double(napi_env env, napi_value v, double *result) {
  (void)env;
  if (v->type != napi_number) return napi_number_expected;
  *result = v->number;
  return napi_ok;
}
napi_status napi_get_value_bool(napi_env env, napi_value v, bool *result) {
  (void)env;
  if (v->type != napi_boolean) return napi_boolean_expected;
  *result = v->boolean;
  return napi_ok;
}
napi_status napi_get_value_string_utf8(napi_env env, napi_value v, char *buf, size_t bufsize, size_t *result) {
  (void)env;
  if (v->type != napi_string) return napi_string_expected;
  const size_t n = strlen(v->string);
  if (buf && bufsize > 0) {
    const size_t k = n < bufsize - 1 ? n : bufsize - 1;
    memcpy(buf, v->string, k);
    buf[k] = 0;
    if (result) *result = k;
  } else if (result)
    *result = n;
  return napi_ok;
}

napi_status napi_create_int64(napi_env env, int64_t value, napi_value *result) {
  (void)env;
  *result = shim_number((double)value);
  return napi_ok;
}
napi_status napi_get_boolean(napi_env env, bool value, napi_value *result) {
  (void)env;
  *result = shim_bool(value);
  return napi_ok;
}
napi_status napi_create_string_utf8(napi_env env, const char *str, size_t length, napi_value *result) {
  (void)env;
  if (length == NAPI_AUTO_LENGTH) *result = shim_string(str);
  else {
    char *copy = calloc(length + 1, 1);
    if (!copy) abort();
    memcpy(copy, str, length);
    *result = shim_string(copy);
    free(copy);
  }
  return napi_ok;
}
napi_status napi_create_arraybuffer(napi_env env, size_t byte_length, void **data, napi_value *result) {
  (void)env;
  void *bytes = calloc(byte_length > 0 ? byte_length : 1, 1);
  if (!bytes) abort();
  *data = bytes;
  *result = shim_typed(napi_uint8_array, bytes, byte_length);
  return napi_ok;
}
napi_status napi_create_typedarray(napi_env env, napi_typedarray_type type, size_t length, napi_value arraybuffer, size_t byte_offset, napi_value *result) {
  (void)env;
  *result = shim_typed(type, (char *)arraybuffer->data + byte_offset, length);
  return napi_ok;
}
napi_status napi_create_array(napi_env env, napi_value *result) {
  (void)env;
  *result = fresh(napi_object);
  return napi_ok;
}
napi_status napi_create_array_with_length(napi_env env, size_t length, napi_value *result) {
  (void)length;
  return napi_create_array(env, result);
}
napi_status napi_set_element(napi_env env, napi_value object, uint32_t index, napi_value value) {
  (void)env;
  if (index >= SHIM_MAX_ELEMENTS) return napi_invalid_arg;
  object->elements[index] = value;
  if (index + 1 > object->n_elements) object->n_elements = index + 1;
  return napi_ok;
}
napi_status napi_create_function(napi_env env, const char *utf8name, size_t length, napi_callback cb, void *data, napi_value *result) {
  (void)env, (void)utf8name, (void)length, (void)data;
  napi_value v = fresh(napi_function);
  v->callback = cb;
  *result = v;
  return napi_ok;
}
napi_status napi_set_named_property(napi_env env, napi_value object, const char *utf8name, napi_value value) {
  (void)env;
  if (object->n_props >= SHIM_MAX_PROPS) return napi_invalid_arg;
  object->prop_names[object->n_props] = strdup(utf8name);
  object->props[object->n_props++] = value;
  return napi_ok;
}

static napi_status throw_(napi_env env, const char *kind, const char *msg) {
  snprintf(env->error, sizeof env->error, "%s: %s", kind, msg);
  env->thrown = 1;
  return napi_ok;
}
napi_status napi_throw_error(napi_env env, const char *code, const char *msg) {
  (void)code;
  return throw_(env, "Error", msg);
}
napi_status napi_throw_range_error(napi_env env, const char *code, const char *msg) {
  (void)code;
  return throw_(env, "RangeError", msg);
}
napi_status napi_throw_type_error(napi_env env, const char *code, const char *msg) {
  (void)code;
  return throw_(env, "TypeError", msg);
}
