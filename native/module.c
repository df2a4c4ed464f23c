/* The native module's entry: every kernel file registers its functions on the exports object. */
#include "common.h"

napi_value mlsd_register_isa(napi_env env, napi_value exports);
napi_value mlsd_register_knn(napi_env env, napi_value exports);
napi_value mlsd_register_hist(napi_env env, napi_value exports);
napi_value mlsd_register_tree(napi_env env, napi_value exports);
napi_value mlsd_register_loss(napi_env env, napi_value exports);
napi_value mlsd_register_smote(napi_env env, napi_value exports);

NAPI_MODULE_INIT() {
  if (!mlsd_register_isa(env, exports) || !mlsd_register_knn(env, exports) || !mlsd_register_hist(env, exports) || !mlsd_register_tree(env, exports) || !mlsd_register_loss(env, exports) || !mlsd_register_smote(env, exports)) return NULL;
  return exports;
}
