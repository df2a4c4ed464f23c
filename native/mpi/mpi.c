// A small N-API binding to the system's MPI library (Open MPI or MPICH), for lib/distributed/mpi.ts.
//
// The collectives (MPI_Allreduce in place, MPI_Bcast, MPI_Barrier) run as async work on libuv's thread pool,
// so the JavaScript thread stays free while a rank waits for its peers: its timers fire (the transport's
// timeout, which turns a peer that is gone into an error instead of a hang) and its signal handlers run
// (mpirun's SIGTERM when another rank died). MPI is initialised with MPI_THREAD_SERIALIZED, which is what
// that needs: calls come from more than one thread but never two at once (lib/distributed/mpi.ts queues
// them). Point-to-point messages are an MPI_Isend of a copy and a polled MPI_Iprobe + MPI_Recv, both on the
// JavaScript thread, so no call ever blocks it.
//
// Errors: MPI_ERRORS_RETURN on MPI_COMM_WORLD, so a failed call rejects with MPI's own message instead of
// aborting from inside the library; MPI_Abort stays available to end the whole job on purpose.
#include <node_api.h>
#include <mpi.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "mlsd_mpi: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static int started = 0;   // MPI_Init_thread returned
static int finished = 0;  // MPI_Finalize returned

// Pending MPI_Isend requests and the copies they send from, freed once complete.
typedef struct {
  MPI_Request request;
  void* copy;
} Send;
static Send* sends = NULL;
static int nsends = 0, capsends = 0;

static napi_value throw_mpi(napi_env env, const char* what, int rc) {
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "error code %d", rc);
  char text[MPI_MAX_ERROR_STRING + 128];
  snprintf(text, sizeof text, "%s failed: %s", what, msg);
  napi_throw_error(env, NULL, text);
  return NULL;
}

static int need_started(napi_env env, const char* what) {
  if (started && !finished) return 1;
  char text[160];
  snprintf(text, sizeof text, "%s: MPI is %s", what, finished ? "already finalized" : "not initialized (call init first)");
  napi_throw_error(env, NULL, text);
  return 0;
}

// A Float32Array argument: its data (stable: N-API materialises on-heap arrays off the heap) and length.
static int float32_arg(napi_env env, napi_value value, const char* what, float** data, int* count) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &type, &length, (void**)data, NULL, NULL) != napi_ok || type != napi_float32_array) {
    char text[128];
    snprintf(text, sizeof text, "%s: the buffer must be a Float32Array", what);
    napi_throw_type_error(env, NULL, text);
    return 0;
  }
  if (length > INT_MAX) {
    char text[160];
    snprintf(text, sizeof text, "%s: at most %d values per call (MPI counts are ints); got %zu", what, INT_MAX, length);
    napi_throw_range_error(env, NULL, text);
    return 0;
  }
  *count = (int)length;
  return 1;
}

static int int_arg(napi_env env, napi_value value, int32_t* out) {
  return napi_get_value_int32(env, value, out) == napi_ok;
}

// init(): MPI_Init_thread, then { rank, size, library, tagUpperBound }.
static napi_value Init(napi_env env, napi_callback_info info) {
  (void)info;
  if (finished) {
    napi_throw_error(env, NULL, "init: MPI was finalized and cannot be initialized again");
    return NULL;
  }
  if (!started) {
    // Node loads addons without RTLD_GLOBAL; Open MPI's plugins (dlopen'ed by libmpi) look up libmpi's own
    // symbols globally, so make the already-loaded libmpi global first, as mpi4py does.
    Dl_info where;
    if (dladdr((void*)&MPI_Init_thread, &where) && where.dli_fname) dlopen(where.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    int provided = 0;
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Init_thread", rc);
    started = 1;
    if (provided < MPI_THREAD_SERIALIZED) {
      napi_throw_error(env, NULL, "init: this MPI library does not provide MPI_THREAD_SERIALIZED, which the mpi transport needs (collectives run off the JavaScript thread)");
      return NULL;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  int rank = 0, size = 0, flag = 0, len = 0;
  int* tag_ub = NULL;
  char library[MPI_MAX_LIBRARY_VERSION_STRING];
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tag_ub, &flag);
  MPI_Get_library_version(library, &len);
  while (len > 0 && (library[len - 1] == '\n' || library[len - 1] == '\0')) len--;
  napi_value out, v;
  CHECK(env, napi_create_object(env, &out));
  CHECK(env, napi_create_int32(env, rank, &v));
  CHECK(env, napi_set_named_property(env, out, "rank", v));
  CHECK(env, napi_create_int32(env, size, &v));
  CHECK(env, napi_set_named_property(env, out, "size", v));
  CHECK(env, napi_create_string_utf8(env, library, (size_t)len, &v));
  CHECK(env, napi_set_named_property(env, out, "library", v));
  CHECK(env, napi_create_int32(env, flag && tag_ub ? *tag_ub : 32767, &v));
  CHECK(env, napi_set_named_property(env, out, "tagUpperBound", v));
  return out;
}

// ---- collectives, as async work ----

enum { OP_ALLREDUCE, OP_BCAST, OP_BARRIER };
static const char* const OP_NAMES[] = {"MPI_Allreduce", "MPI_Bcast", "MPI_Barrier"};

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref keep;  // the Float32Array, alive until the call returns
  int op, count, root, rc;
  float* data;
} Collective;

static void run_collective(napi_env env, void* p) {
  (void)env;
  Collective* c = p;
  if (c->op == OP_ALLREDUCE) c->rc = MPI_Allreduce(MPI_IN_PLACE, c->data, c->count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  else if (c->op == OP_BCAST) c->rc = MPI_Bcast(c->data, c->count, MPI_FLOAT, c->root, MPI_COMM_WORLD);
  else c->rc = MPI_Barrier(MPI_COMM_WORLD);
}

static void done_collective(napi_env env, napi_status status, void* p) {
  Collective* c = p;
  napi_value undefined, err, msg;
  napi_get_undefined(env, &undefined);
  if (status == napi_ok && c->rc == MPI_SUCCESS) {
    napi_resolve_deferred(env, c->deferred, undefined);
  } else {
    char text[MPI_MAX_ERROR_STRING + 64];
    char reason[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (status != napi_ok) snprintf(reason, sizeof reason, "cancelled");
    else if (MPI_Error_string(c->rc, reason, &len) != MPI_SUCCESS) snprintf(reason, sizeof reason, "error code %d", c->rc);
    snprintf(text, sizeof text, "%s failed: %s", OP_NAMES[c->op], reason);
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_reject_deferred(env, c->deferred, err);
  }
  if (c->keep) napi_delete_reference(env, c->keep);
  napi_delete_async_work(env, c->work);
  free(c);
}

static napi_value start_collective(napi_env env, int op, napi_value array, float* data, int count, int root) {
  Collective* c = calloc(1, sizeof *c);
  if (!c) {
    napi_throw_error(env, NULL, "mlsd_mpi: out of memory");
    return NULL;
  }
  c->op = op;
  c->data = data;
  c->count = count;
  c->root = root;
  napi_value promise, name;
  if (array) CHECK(env, napi_create_reference(env, array, 1, &c->keep));
  CHECK(env, napi_create_promise(env, &c->deferred, &promise));
  CHECK(env, napi_create_string_utf8(env, OP_NAMES[op], NAPI_AUTO_LENGTH, &name));
  CHECK(env, napi_create_async_work(env, NULL, name, run_collective, done_collective, c, &c->work));
  CHECK(env, napi_queue_async_work(env, c->work));
  return promise;
}

// allReduce(f32): sums in place over all ranks (MPI_IN_PLACE, MPI_SUM); a Promise.
static napi_value AllReduce(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!need_started(env, "allReduce")) return NULL;
  float* data = NULL;
  int count = 0;
  if (argc < 1 || !float32_arg(env, argv[0], "allReduce", &data, &count)) return NULL;
  return start_collective(env, OP_ALLREDUCE, argv[0], data, count, 0);
}

// broadcast(f32, root): root's values into every rank's array; a Promise.
static napi_value Broadcast(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!need_started(env, "broadcast")) return NULL;
  float* data = NULL;
  int count = 0, root = 0;
  if (argc < 2 || !float32_arg(env, argv[0], "broadcast", &data, &count)) return NULL;
  if (!int_arg(env, argv[1], &root)) {
    napi_throw_type_error(env, NULL, "broadcast: root must be a rank number");
    return NULL;
  }
  return start_collective(env, OP_BCAST, argv[0], data, count, root);
}

// barrier(): a Promise that resolves once every rank has entered it.
static napi_value Barrier(napi_env env, napi_callback_info info) {
  (void)info;
  if (!need_started(env, "barrier")) return NULL;
  return start_collective(env, OP_BARRIER, NULL, NULL, 0, 0);
}

// ---- point to point, on the JavaScript thread, never blocking ----

// Frees the copies of the sends that completed; returns how many are still in flight.
static int progress_sends(void) {
  int kept = 0;
  for (int i = 0; i < nsends; i++) {
    int done = 0;
    MPI_Test(&sends[i].request, &done, MPI_STATUS_IGNORE);
    if (done) free(sends[i].copy);
    else sends[kept++] = sends[i];
  }
  nsends = kept;
  return kept;
}

// send(to, tag, f32): MPI_Isend of a copy (the caller may reuse its array at once).
static napi_value Send_(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!need_started(env, "send")) return NULL;
  int32_t to = 0, tag = 0;
  float* data = NULL;
  int count = 0;
  if (argc < 3 || !int_arg(env, argv[0], &to) || !int_arg(env, argv[1], &tag)) {
    napi_throw_type_error(env, NULL, "send: expected (to, tag, Float32Array)");
    return NULL;
  }
  if (!float32_arg(env, argv[2], "send", &data, &count)) return NULL;
  if (nsends == capsends) {
    int cap = capsends ? capsends * 2 : 16;
    Send* grown = realloc(sends, (size_t)cap * sizeof *sends);
    if (!grown) {
      napi_throw_error(env, NULL, "mlsd_mpi: out of memory");
      return NULL;
    }
    sends = grown;
    capsends = cap;
  }
  void* copy = malloc(count ? (size_t)count * sizeof(float) : 1);
  if (!copy) {
    napi_throw_error(env, NULL, "mlsd_mpi: out of memory");
    return NULL;
  }
  if (count) memcpy(copy, data, (size_t)count * sizeof(float));
  MPI_Request request;
  int rc = MPI_Isend(copy, count, MPI_FLOAT, to, tag, MPI_COMM_WORLD, &request);
  if (rc != MPI_SUCCESS) {
    free(copy);
    return throw_mpi(env, "MPI_Isend", rc);
  }
  sends[nsends].request = request;
  sends[nsends].copy = copy;
  nsends++;
  progress_sends();
  return NULL;
}

// tryRecv(from, tag): the next message from `from` with `tag` as a new Float32Array, or null if none has
// arrived yet (MPI_Iprobe, then MPI_Recv of exactly its size).
static napi_value TryRecv(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (!need_started(env, "recv")) return NULL;
  int32_t from = 0, tag = 0;
  if (argc < 2 || !int_arg(env, argv[0], &from) || !int_arg(env, argv[1], &tag)) {
    napi_throw_type_error(env, NULL, "recv: expected (from, tag)");
    return NULL;
  }
  progress_sends();
  int flag = 0;
  MPI_Status status;
  int rc = MPI_Iprobe(from, tag, MPI_COMM_WORLD, &flag, &status);
  if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Iprobe", rc);
  napi_value out;
  if (!flag) {
    CHECK(env, napi_get_null(env, &out));
    return out;
  }
  int count = 0;
  MPI_Get_count(&status, MPI_FLOAT, &count);
  void* bytes = NULL;
  napi_value buffer;
  CHECK(env, napi_create_arraybuffer(env, (size_t)count * sizeof(float), &bytes, &buffer));
  rc = MPI_Recv(bytes, count, MPI_FLOAT, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Recv", rc);
  CHECK(env, napi_create_typedarray(env, napi_float32_array, (size_t)count, buffer, 0, &out));
  return out;
}

// ---- ending ----

// finalize(): waits for this rank's sends, then MPI_Finalize. Once only.
static napi_value Finalize(napi_env env, napi_callback_info info) {
  (void)info;
  if (!started || finished) return NULL;
  for (int i = 0; i < nsends; i++) {
    MPI_Wait(&sends[i].request, MPI_STATUS_IGNORE);
    free(sends[i].copy);
  }
  nsends = 0;
  int rc = MPI_Finalize();
  finished = 1;
  if (rc != MPI_SUCCESS) return throw_mpi(env, "MPI_Finalize", rc);
  return NULL;
}

// abort(code): MPI_Abort on MPI_COMM_WORLD: the launcher ends every rank of the job. Callable at any time,
// also while a collective of this rank waits on the thread pool (that is what it is for).
static napi_value Abort(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t code = 1;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) int_arg(env, argv[0], &code);
  if (started && !finished) MPI_Abort(MPI_COMM_WORLD, code);
  exit(code);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"init", NULL, Init, NULL, NULL, NULL, napi_default, NULL},
      {"allReduce", NULL, AllReduce, NULL, NULL, NULL, napi_default, NULL},
      {"broadcast", NULL, Broadcast, NULL, NULL, NULL, napi_default, NULL},
      {"barrier", NULL, Barrier, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send_, NULL, NULL, NULL, napi_default, NULL},
      {"tryRecv", NULL, TryRecv, NULL, NULL, NULL, napi_default, NULL},
      {"finalize", NULL, Finalize, NULL, NULL, NULL, napi_default, NULL},
      {"abort", NULL, Abort, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
