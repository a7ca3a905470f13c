/*
 * mpi4ts native addon: a thin Node-API binding of the MPI C library, the
 * engine of src/transport/native/. Built against MPICH or Open MPI (see
 * native/build.mjs).
 *
 * Handles never cross into JavaScript: MPICH's handles are ints, Open MPI's
 * are pointers, so communicators, requests and matched messages live in
 * tables here and JavaScript holds their indices (small integers).
 *
 * Statuses are written into one Int32Array that JavaScript hands over at
 * init ([source, tag, count, error class, cancelled, count / 2^32]), so that a receive
 * allocates no JavaScript object. Ranks and tags arrive with mpi4ts's
 * values for the wildcards (ANY_SOURCE = ANY_TAG = -1, PROC_NULL = -2) and
 * are mapped to the library's here.
 *
 * Buffers are the caller's typed-array memory: no copy on either side.
 * Blocking calls (MPI_Send, MPI_Recv, MPI_Mrecv, the blocking collectives)
 * use the memory only inside the C call: no JavaScript runs meanwhile, so
 * the program cannot detach or drop the buffer, V8 never moves an
 * ArrayBuffer's backing store, and the argument's handle keeps it from
 * being collected. Non-blocking calls return while the library still reads
 * or writes the memory: each pins its buffers' backing stores (pin.cc)
 * from the call until its request completes (test, wait, waitany release
 * the pins with the request), so the library never touches freed memory
 * whatever the program does with its ArrayBuffers meanwhile.
 *
 * Every index JavaScript passes (communicator, request, matched message)
 * is checked against its table, and every count against its buffer, so
 * that loading this addon directly and calling it with made-up arguments
 * gives an exception, never a crash (and nothing is called before init or
 * after finalize).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <mpi.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* pin.cc: a pin of a typed array's backing store, NULL for an empty one, NOT_PINNABLE for a resizable one. */
void *mpi4ts_pin(napi_env env, napi_value value);
void mpi4ts_unpin(void *pin);
#define NOT_PINNABLE ((void *)1)

#define TS_ANY_SOURCE (-1)
#define TS_ANY_TAG (-1)
#define TS_PROC_NULL (-2)
#define TS_ROOT (-3)
/* A reduction's root for MPI_Allreduce. */
#define TS_ALL (-1)

/* Status slots. */
enum { ST_SOURCE, ST_TAG, ST_COUNT, ST_ERROR, ST_CANCELLED, ST_COUNT_HI, ST_SLOTS };

static int32_t *status_out = NULL;
static napi_ref status_ref = NULL;
/* The status array's backing store: the program could transfer it, and we write into it. */
static void *status_pin = NULL;
static int initialized = 0;
static int finalized = 0;

/* ---- handle tables ------------------------------------------------------- */

#define TABLE(T, name)                                                   \
  static T *name##_tab = NULL;                                           \
  static char *name##_live = NULL;                                       \
  static int name##_cap = 0;                                             \
  static int *name##_free = NULL;                                        \
  static int name##_nfree = 0;                                           \
  static int name##_top = 0;                                             \
  static int name##_put(T h) {                                           \
    int i;                                                               \
    if (name##_nfree > 0) i = name##_free[--name##_nfree];               \
    else {                                                               \
      if (name##_top == name##_cap) {                                    \
        name##_cap = name##_cap ? 2 * name##_cap : 64;                   \
        name##_tab = realloc(name##_tab, sizeof(T) * name##_cap);        \
        name##_live = realloc(name##_live, name##_cap);                  \
        name##_free = realloc(name##_free, sizeof(int) * name##_cap);    \
      }                                                                  \
      i = name##_top++;                                                  \
    }                                                                    \
    name##_tab[i] = h;                                                   \
    name##_live[i] = 1;                                                  \
    return i;                                                            \
  }                                                                      \
  /* An index JavaScript passed names a live entry (and MPI may be called). */ \
  static int name##_ok(int i) {                                          \
    return initialized && !finalized && i >= 0 && i < name##_top && name##_live[i]; \
  }                                                                      \
  static void name##_drop(int i) {                                       \
    if (i < 0 || i >= name##_top || !name##_live[i]) return;             \
    name##_live[i] = 0;                                                  \
    name##_free[name##_nfree++] = i;                                     \
  }

TABLE(MPI_Comm, comm)
TABLE(MPI_Request, req)
TABLE(MPI_Message, msg)

/*
 * Pins of a request's buffers (up to two: a reduction's send and result),
 * by request index, released with the request (req_release).
 */
static void **req_pins = NULL;
static int req_pins_cap = 0;

static int req_put_pinned(MPI_Request r, void *a, void *b) {
  int i = req_put(r);
  if (req_pins_cap < req_cap) {
    req_pins = realloc(req_pins, sizeof(void *) * 2 * req_cap);
    for (int k = 2 * req_pins_cap; k < 2 * req_cap; k++) req_pins[k] = NULL;
    req_pins_cap = req_cap;
  }
  req_pins[2 * i] = a;
  req_pins[2 * i + 1] = b;
  return i;
}

/* The request is complete: the library is done with its buffers, which may go now. */
static void req_release(int i) {
  if (i >= 0 && i < req_pins_cap) {
    mpi4ts_unpin(req_pins[2 * i]);
    mpi4ts_unpin(req_pins[2 * i + 1]);
    req_pins[2 * i] = req_pins[2 * i + 1] = NULL;
  }
  req_drop(i);
}

/* ---- error translation --------------------------------------------------- */

/* mpi4ts numbers error classes as MPICH's mpi.h (src/core/errorcodes.ts). */
static int ts_error_class(int code) {
  int cls = code;
  MPI_Error_class(code, &cls);
  switch (cls) {
    case MPI_SUCCESS: return 0;
    case MPI_ERR_BUFFER: return 1;
    case MPI_ERR_COUNT: return 2;
    case MPI_ERR_TYPE: return 3;
    case MPI_ERR_TAG: return 4;
    case MPI_ERR_COMM: return 5;
    case MPI_ERR_RANK: return 6;
    case MPI_ERR_ROOT: return 7;
    case MPI_ERR_GROUP: return 8;
    case MPI_ERR_OP: return 9;
    case MPI_ERR_TOPOLOGY: return 10;
    case MPI_ERR_DIMS: return 11;
    case MPI_ERR_ARG: return 12;
    case MPI_ERR_UNKNOWN: return 13;
    case MPI_ERR_TRUNCATE: return 14;
    case MPI_ERR_OTHER: return 15;
    case MPI_ERR_INTERN: return 16;
    case MPI_ERR_IN_STATUS: return 17;
    case MPI_ERR_PENDING: return 18;
    case MPI_ERR_REQUEST: return 19;
    case MPI_ERR_ACCESS: return 20;
    case MPI_ERR_AMODE: return 21;
    case MPI_ERR_BAD_FILE: return 22;
    case MPI_ERR_CONVERSION: return 23;
    case MPI_ERR_DUP_DATAREP: return 24;
    case MPI_ERR_FILE_EXISTS: return 25;
    case MPI_ERR_FILE_IN_USE: return 26;
    case MPI_ERR_FILE: return 27;
    case MPI_ERR_INFO: return 28;
    case MPI_ERR_INFO_KEY: return 29;
    case MPI_ERR_INFO_VALUE: return 30;
    case MPI_ERR_INFO_NOKEY: return 31;
    case MPI_ERR_IO: return 32;
    case MPI_ERR_NAME: return 33;
    case MPI_ERR_NO_MEM: return 34;
    case MPI_ERR_NOT_SAME: return 35;
    case MPI_ERR_NO_SPACE: return 36;
    case MPI_ERR_NO_SUCH_FILE: return 37;
    case MPI_ERR_PORT: return 38;
    case MPI_ERR_QUOTA: return 39;
    case MPI_ERR_READ_ONLY: return 40;
    case MPI_ERR_SERVICE: return 41;
    case MPI_ERR_SPAWN: return 42;
    case MPI_ERR_UNSUPPORTED_DATAREP: return 43;
    case MPI_ERR_UNSUPPORTED_OPERATION: return 44;
    case MPI_ERR_WIN: return 45;
    case MPI_ERR_BASE: return 46;
    case MPI_ERR_LOCKTYPE: return 47;
    case MPI_ERR_KEYVAL: return 48;
    case MPI_ERR_RMA_CONFLICT: return 49;
    case MPI_ERR_RMA_SYNC: return 50;
    case MPI_ERR_SIZE: return 51;
    case MPI_ERR_DISP: return 52;
    case MPI_ERR_ASSERT: return 53;
    case MPI_ERR_RMA_RANGE: return 55;
    case MPI_ERR_RMA_ATTACH: return 56;
    case MPI_ERR_RMA_SHARED: return 57;
    case MPI_ERR_RMA_FLAVOR: return 58;
    default: return 15;
  }
}

/* Throw an Error carrying `errorClass` (mpi4ts numbering) and the library's string. */
static void throw_mpi(napi_env env, const char *routine, int code) {
  char text[MPI_MAX_ERROR_STRING + 1];
  int len = 0;
  if (MPI_Error_string(code, text, &len) != MPI_SUCCESS) len = 0;
  text[len] = 0;
  char message[MPI_MAX_ERROR_STRING + 128];
  snprintf(message, sizeof message, "%s: %s", routine, len ? text : "MPI error");
  napi_value msg, err, cls;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &err);
  napi_create_int32(env, ts_error_class(code), &cls);
  napi_set_named_property(env, err, "errorClass", cls);
  napi_throw(env, err);
}

#define CHECK(routine, call)                 \
  do {                                       \
    int rc_ = (call);                        \
    if (rc_ != MPI_SUCCESS) {                \
      throw_mpi(env, routine, rc_);          \
      return NULL;                           \
    }                                        \
  } while (0)

/* ---- argument helpers ---------------------------------------------------- */

static void throw_index(napi_env env, const char *what, int i) {
  char m[160];
  if (!initialized || finalized) snprintf(m, sizeof m, "no %s %d: MPI is %s", what, i, finalized ? "finalized" : "not initialized (call init first)");
  else snprintf(m, sizeof m, "invalid %s index %d", what, i);
  napi_throw_range_error(env, NULL, m);
}

/*
 * Checked table lookups of an argument (GNU C statement expressions: they
 * return NULL from the calling function, with a RangeError thrown, when
 * the index names nothing).
 */
#define COMM_ARG(v)                                                          \
  ({                                                                         \
    int ci_ = i32(env, (v));                                                 \
    if (!comm_ok(ci_)) {                                                     \
      throw_index(env, "communicator", ci_);                                 \
      return NULL;                                                           \
    }                                                                        \
    comm_tab[ci_];                                                           \
  })
#define REQ_INDEX(v)                                                         \
  ({                                                                         \
    int ri_ = i32(env, (v));                                                 \
    if (!req_ok(ri_)) {                                                      \
      throw_index(env, "request", ri_);                                      \
      return NULL;                                                           \
    }                                                                        \
    ri_;                                                                     \
  })
#define MSG_INDEX(v)                                                         \
  ({                                                                         \
    int mi_ = i32(env, (v));                                                 \
    if (!msg_ok(mi_)) {                                                      \
      throw_index(env, "matched message", mi_);                              \
      return NULL;                                                           \
    }                                                                        \
    mi_;                                                                     \
  })

#define ARGS(n)                                                   \
  size_t argc = n;                                                \
  napi_value argv[n > 0 ? n : 1];                                 \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL)

static int32_t i32(napi_env env, napi_value v) {
  int32_t x = 0;
  napi_get_value_int32(env, v, &x);
  return x;
}

static napi_value ret_i32(napi_env env, int32_t x) {
  napi_value v;
  napi_create_int32(env, x, &v);
  return v;
}

static napi_value ret_bool(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

static napi_value ret_undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

/* Pointer and byte length of a typed array or DataView (null: nothing). */
static int bytes_of(napi_env env, napi_value v, void **data, size_t *nbytes) {
  bool is;
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type type;
    size_t length;
    napi_get_typedarray_info(env, v, &type, &length, data, NULL, NULL);
    size_t width = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: width = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: width = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: width = 8; break;
      default: width = 1;
    }
    *nbytes = length * width;
    return 1;
  }
  napi_is_dataview(env, v, &is);
  if (is) {
    napi_get_dataview_info(env, v, nbytes, data, NULL, NULL);
    return 1;
  }
  *data = NULL;
  *nbytes = 0;
  napi_throw_type_error(env, NULL, "expected a typed array");
  return 0;
}

/*
 * A pin of argv `v`'s backing store for a non-blocking call, or NULL for
 * an empty buffer; throws (returns 0) for one that cannot be pinned (a
 * resizable buffer: the engine never passes one, see pinnable() in
 * src/transport/native/engine.ts).
 */
static int pin_arg(napi_env env, napi_value v, void **pin) {
  *pin = mpi4ts_pin(env, v);
  if (*pin != NOT_PINNABLE) return 1;
  *pin = NULL;
  napi_throw_range_error(env, NULL, "a resizable ArrayBuffer cannot be the buffer of a non-blocking call (copy it first)");
  return 0;
}

static int to_source(int s) { return s == TS_ANY_SOURCE ? MPI_ANY_SOURCE : s == TS_PROC_NULL ? MPI_PROC_NULL : s; }
static int to_tag(int t) { return t == TS_ANY_TAG ? MPI_ANY_TAG : t; }
/* A collective's root: across an intercommunicator also MPI_ROOT and MPI_PROC_NULL. */
static int to_root(int r) { return r == TS_ROOT ? MPI_ROOT : r == TS_PROC_NULL ? MPI_PROC_NULL : r; }


/*
 * Byte counts beyond INT_MAX (typed arrays of 2 GiB and more). The MPI-3
 * libraries of the distributions (Open MPI 4.1) have no MPI_Send_c: a
 * message of n > INT_MAX bytes goes as one element of a derived type, q
 * blocks of 1 GiB followed by the rest, which matches n MPI_BYTEs on the
 * other side. Counts come back from MPI_Get_elements_x (an MPI_Count).
 */
#define GIB ((size_t)1 << 30)
typedef struct {
  MPI_Datatype type;
  int count;
} span_t;

static int span_of(size_t n, span_t *sp) {
  sp->type = MPI_BYTE;
  sp->count = (int)n;
  if (n <= INT_MAX) return MPI_SUCCESS;
  size_t q = n / GIB, r = n % GIB;
  MPI_Datatype gib;
  int rc = MPI_Type_contiguous((int)GIB, MPI_BYTE, &gib);
  if (rc != MPI_SUCCESS) return rc;
  if (r == 0) {
    rc = MPI_Type_contiguous((int)q, gib, &sp->type);
  } else {
    int lens[2] = {(int)q, (int)r};
    MPI_Aint displs[2] = {0, (MPI_Aint)(q * GIB)};
    MPI_Datatype types[2] = {gib, MPI_BYTE};
    rc = MPI_Type_create_struct(2, lens, displs, types, &sp->type);
  }
  MPI_Type_free(&gib);
  if (rc == MPI_SUCCESS) rc = MPI_Type_commit(&sp->type);
  sp->count = 1;
  return rc;
}

/* After the call that used it started: MPI keeps a freed type alive for pending operations. */
static void span_done(span_t *sp) {
  if (sp->type != MPI_BYTE) MPI_Type_free(&sp->type);
}

/* A span for `n` bytes or a thrown MPI.Exception (return 0). */
#define SPAN(name, n)                                 \
  span_t name;                                        \
  {                                                   \
    int span_rc = span_of((n), &name);                \
    if (span_rc != MPI_SUCCESS) {                     \
      throw_mpi(env, "MPI_Type_create_struct", span_rc); \
      return NULL;                                    \
    }                                                 \
  }

/* Bytes the status says arrived (or were probed). */
static MPI_Count status_bytes(MPI_Status *st) {
  MPI_Count count = 0;
  MPI_Get_elements_x(st, MPI_BYTE, &count);
  return count == MPI_UNDEFINED ? 0 : count;
}

static void put_count(MPI_Count count) {
  status_out[ST_COUNT] = (int32_t)(uint32_t)((uint64_t)count & 0xffffffffu);
  status_out[ST_COUNT_HI] = (int32_t)((uint64_t)count >> 32);
}

static void put_status(MPI_Status *st, int err) {
  if (st->MPI_SOURCE == MPI_PROC_NULL) {
    status_out[ST_SOURCE] = TS_PROC_NULL;
    status_out[ST_TAG] = TS_ANY_TAG;
    put_count(0);
  } else {
    status_out[ST_SOURCE] = st->MPI_SOURCE == MPI_ANY_SOURCE ? TS_ANY_SOURCE : st->MPI_SOURCE;
    status_out[ST_TAG] = st->MPI_TAG == MPI_ANY_TAG ? TS_ANY_TAG : st->MPI_TAG;
    put_count(status_bytes(st));
  }
  status_out[ST_ERROR] = err ? ts_error_class(err) : 0;
  int cancelled = 0;
  MPI_Test_cancelled(st, &cancelled);
  status_out[ST_CANCELLED] = cancelled;
}

/* ---- lifetime ------------------------------------------------------------ */

/*
 * Open MPI loads its components with dlopen and expects libmpi's symbols to
 * be global; Node loads this addon (and so libmpi) with RTLD_LOCAL. Re-open
 * the library that defines MPI_Init with RTLD_GLOBAL before initialising.
 */
static void promote_libmpi(void) {
  Dl_info dl;
  if (dladdr((void *)&MPI_Init, &dl) && dl.dli_fname) dlopen(dl.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

static int attr_int(MPI_Comm comm, int key, int fallback) {
  void *v = NULL;
  int flag = 0;
  MPI_Comm_get_attr(comm, key, &v, &flag);
  return flag && v ? *(int *)v : fallback;
}

/*
 * MPICH started without a launcher (a singleton: no PMI in the environment).
 * There MPI_UNIVERSE_SIZE makes MPICH run `mpiexec -pmi_args ...` to get a
 * PMI server; Debian's MPICH 4.0 Hydra rejects that option (and Open MPI's
 * mpiexec, when it comes first on PATH, too), and the query never returns.
 * A singleton's universe is itself.
 */
static int mpich_singleton(void) {
#ifdef MPICH_VERSION
  const char *pmi[] = {"PMI_FD", "PMI_PORT", "PMI_RANK", "PMI_SIZE", "PMIX_RANK", "HYDI_CONTROL_FD"};
  for (size_t i = 0; i < sizeof pmi / sizeof pmi[0]; i++) {
    if (getenv(pmi[i]) != NULL) return 0;
  }
  return 1;
#else
  return 0;
#endif
}

/* init(status: Int32Array) -> [worldRank, worldSize, tagUb, universeSize, appnum, provided] */
static napi_value js_init(napi_env env, napi_callback_info info) {
  ARGS(1);
  void *data;
  size_t nbytes;
  if (!bytes_of(env, argv[0], &data, &nbytes)) return NULL;
  if (nbytes < ST_SLOTS * 4) {
    napi_throw_range_error(env, NULL, "status array too small");
    return NULL;
  }
  if (finalized) {
    napi_throw_error(env, NULL, "MPI is finalized: it cannot be initialized again");
    return NULL;
  }
  /* Every call writes statuses here: pin the memory (the program could transfer the array). */
  void *pin = mpi4ts_pin(env, argv[0]);
  if (pin == NULL || pin == NOT_PINNABLE) {
    napi_throw_range_error(env, NULL, "the status array must be a typed array over a fixed-length buffer");
    return NULL;
  }
  mpi4ts_unpin(status_pin);
  status_pin = pin;
  if (status_ref != NULL) napi_delete_reference(env, status_ref);
  status_out = data;
  napi_create_reference(env, argv[0], 1, &status_ref);
  int provided = 0;
  if (!initialized) {
    int already = 0;
    MPI_Initialized(&already);
    if (!already) {
      /*
       * UCX (MPICH's ch4:ucx) patches malloc/mmap to track registered
       * memory; under V8, which maps and moves its own heap, that has
       * crashed Node (segfaults inside V8's compiler). Neither shared-memory
       * nor TCP transports need it. The user's own settings win.
       */
      setenv("UCX_MEM_MALLOC_HOOKS", "no", 0);
      setenv("UCX_MEM_EVENTS", "no", 0);
#ifdef OPEN_MPI
      /*
       * Open MPI 4.1's osc/rdma, its default for MPI_Win_create and
       * MPI_Win_allocate, crashes (SIGSEGV, in C programs too) on an 8-byte
       * MPI_Compare_and_swap; osc/ucx and osc/sm (Allocate_shared) take the
       * windows instead, osc/pt2pt where neither can. The user's own setting wins.
       */
      setenv("OMPI_MCA_osc", "^rdma", 0);
#endif
      promote_libmpi();
      CHECK("MPI_Init_thread", MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided));
    } else {
      MPI_Query_thread(&provided);
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
    comm_put(MPI_COMM_WORLD); /* 0 */
    comm_put(MPI_COMM_SELF);  /* 1 */
    initialized = 1;
  }
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int universe = mpich_singleton() ? size : attr_int(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, size);
  int vals[6] = {rank, size, attr_int(MPI_COMM_WORLD, MPI_TAG_UB, 32767), universe,
                 attr_int(MPI_COMM_WORLD, MPI_APPNUM, 0), provided};
  napi_value arr;
  napi_create_array_with_length(env, 6, &arr);
  for (int i = 0; i < 6; i++) napi_set_element(env, arr, i, ret_i32(env, vals[i]));
  return arr;
}

static napi_value js_finalize(napi_env env, napi_callback_info info) {
  int done = 0;
  MPI_Finalized(&done);
  if (initialized && !done) MPI_Finalize();
  if (initialized) finalized = 1;
  return ret_undefined(env);
}

/* abort(comm, code): MPI_Abort; never returns. */
static napi_value js_abort(napi_env env, napi_callback_info info) {
  ARGS(2);
  fflush(stdout);
  fflush(stderr);
  MPI_Abort(COMM_ARG(argv[0]), i32(env, argv[1]));
  exit(i32(env, argv[1]));
}

/* version(): [MPI_VERSION, MPI_SUBVERSION] of the library as it runs (MPI_Get_version). */
static napi_value js_version(napi_env env, napi_callback_info info) {
  int version = 0, subversion = 0;
  MPI_Get_version(&version, &subversion);
  napi_value v;
  napi_create_array_with_length(env, 2, &v);
  napi_set_element(env, v, 0, ret_i32(env, version));
  napi_set_element(env, v, 1, ret_i32(env, subversion));
  return v;
}

/*
 * The library's string limits: [MPI_MAX_PROCESSOR_NAME, MPI_MAX_PORT_NAME,
 * MPI_MAX_OBJECT_NAME, MPI_MAX_PSET_NAME_LEN, MPI_MAX_STRINGTAG_LEN]; 0 for
 * a limit the library's header lacks (the last two before MPI 4.0).
 */
static napi_value js_limits(napi_env env, napi_callback_info info) {
#ifdef MPI_MAX_PSET_NAME_LEN
  int pset = MPI_MAX_PSET_NAME_LEN;
#else
  int pset = 0;
#endif
#ifdef MPI_MAX_STRINGTAG_LEN
  int stringtag = MPI_MAX_STRINGTAG_LEN;
#else
  int stringtag = 0;
#endif
  int values[5] = {MPI_MAX_PROCESSOR_NAME, MPI_MAX_PORT_NAME, MPI_MAX_OBJECT_NAME, pset, stringtag};
  napi_value v;
  napi_create_array_with_length(env, 5, &v);
  for (int i = 0; i < 5; i++) napi_set_element(env, v, i, ret_i32(env, values[i]));
  return v;
}

static napi_value js_library_version(napi_env env, napi_callback_info info) {
  char text[MPI_MAX_LIBRARY_VERSION_STRING + 1];
  int len = 0;
  MPI_Get_library_version(text, &len);
  text[len] = 0;
  /* First line only: Open MPI's is a paragraph. */
  char *nl = strchr(text, '\n');
  if (nl) *nl = 0;
  napi_value v;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v);
  return v;
}

/*
 * portsSupported() -> boolean: whether MPI_Open_port and MPI_Comm_join can
 * work. MPICH's ch4:ucx netmod has no ports ("not supported with ucx
 * netmod"); its full library version names the device.
 */
static napi_value js_ports_supported(napi_env env, napi_callback_info info) {
  char text[MPI_MAX_LIBRARY_VERSION_STRING + 1];
  int len = 0;
  MPI_Get_library_version(text, &len);
  text[len] = 0;
  napi_value v;
  napi_get_boolean(env, strstr(text, "MPICH") == NULL || strstr(text, "ch4:ucx") == NULL, &v);
  return v;
}

static napi_value js_processor_name(napi_env env, napi_callback_info info) {
  if (!initialized || finalized) {
    throw_index(env, "processor name", 0);
    return NULL;
  }
  char name[MPI_MAX_PROCESSOR_NAME + 1];
  int len = 0;
  CHECK("MPI_Get_processor_name", MPI_Get_processor_name(name, &len));
  name[len] = 0;
  napi_value v;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &v);
  return v;
}

/* ---- communicators ------------------------------------------------------- */

static int adopt(MPI_Comm c) {
  MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN);
  return comm_put(c);
}

/* commDup(comm) -> comm */
static napi_value js_comm_dup(napi_env env, napi_callback_info info) {
  ARGS(1);
  MPI_Comm out;
  CHECK("MPI_Comm_dup", MPI_Comm_dup(COMM_ARG(argv[0]), &out));
  return ret_i32(env, adopt(out));
}

/* commSplit(comm, color (< 0: MPI_UNDEFINED), key) -> comm, or -1 for MPI_COMM_NULL. */
static napi_value js_comm_split(napi_env env, napi_callback_info info) {
  ARGS(3);
  int color = i32(env, argv[1]);
  MPI_Comm out;
  CHECK("MPI_Comm_split", MPI_Comm_split(COMM_ARG(argv[0]), color < 0 ? MPI_UNDEFINED : color, i32(env, argv[2]), &out));
  return ret_i32(env, out == MPI_COMM_NULL ? -1 : adopt(out));
}

/* commCreateGroup(comm, ranks: Int32Array (ranks in comm), tag) -> comm: collective over the members only. */
static napi_value js_comm_create_group(napi_env env, napi_callback_info info) {
  ARGS(3);
  MPI_Comm parent = COMM_ARG(argv[0]);
  void *data;
  size_t nbytes;
  if (!bytes_of(env, argv[1], &data, &nbytes)) return NULL;
  MPI_Group all, sub;
  CHECK("MPI_Comm_group", MPI_Comm_group(parent, &all));
  CHECK("MPI_Group_incl", MPI_Group_incl(all, (int)(nbytes / 4), (int *)data, &sub));
  MPI_Comm out;
  int rc = MPI_Comm_create_group(parent, sub, i32(env, argv[2]), &out);
  MPI_Group_free(&sub);
  MPI_Group_free(&all);
  CHECK("MPI_Comm_create_group", rc);
  return ret_i32(env, adopt(out));
}

/* intercommCreate(local, localLeader, peer, remoteLeader, tag) -> comm */
static napi_value js_intercomm_create(napi_env env, napi_callback_info info) {
  ARGS(5);
  MPI_Comm out;
  CHECK("MPI_Intercomm_create", MPI_Intercomm_create(COMM_ARG(argv[0]), i32(env, argv[1]),
                                                     COMM_ARG(argv[2]), i32(env, argv[3]),
                                                     i32(env, argv[4]), &out));
  return ret_i32(env, adopt(out));
}

/* commInfo(comm) -> [rank, size, remoteSize] */
static napi_value js_comm_info(napi_env env, napi_callback_info info) {
  ARGS(1);
  MPI_Comm c = COMM_ARG(argv[0]);
  int rank, size, inter = 0, rsize = 0;
  MPI_Comm_rank(c, &rank);
  MPI_Comm_size(c, &size);
  MPI_Comm_test_inter(c, &inter);
  if (inter) MPI_Comm_remote_size(c, &rsize);
  napi_value arr;
  napi_create_array_with_length(env, 3, &arr);
  napi_set_element(env, arr, 0, ret_i32(env, rank));
  napi_set_element(env, arr, 1, ret_i32(env, size));
  napi_set_element(env, arr, 2, ret_i32(env, rsize));
  return arr;
}

/* The parent intercommunicator's index: -2 not asked yet, -1 none (or released). */
static int parent_index = -2;

/* Release communicator argv[0] (not the two worlds) with MPI_Comm_free or MPI_Comm_disconnect. */
static napi_value release_comm(napi_env env, napi_callback_info info, const char *routine, int (*release)(MPI_Comm *)) {
  ARGS(1);
  int i = i32(env, argv[0]);
  if (!comm_ok(i)) {
    throw_index(env, "communicator", i);
    return NULL;
  }
  if (i > 1) {
    MPI_Comm c = comm_tab[i];
    CHECK(routine, release(&c));
    comm_drop(i);
    if (i == parent_index) parent_index = -1;
  }
  return ret_undefined(env);
}

static napi_value js_comm_free(napi_env env, napi_callback_info info) {
  return release_comm(env, info, "MPI_Comm_free", MPI_Comm_free);
}

/* ---- dynamic processes ----------------------------------------------------- */

/* A JavaScript string as a new C string (free it), or NULL with a TypeError thrown. */
static char *new_cstring(napi_env env, napi_value v, const char *what) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    char m[160];
    snprintf(m, sizeof m, "%s must be a string", what);
    napi_throw_type_error(env, NULL, m);
    return NULL;
  }
  char *s = malloc(len + 1);
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

static napi_value element(napi_env env, napi_value arr, uint32_t i) {
  napi_value v;
  napi_get_element(env, arr, i, &v);
  return v;
}

static uint32_t length_of(napi_env env, napi_value arr) {
  uint32_t n = 0;
  napi_get_array_length(env, arr, &n);
  return n;
}

/*
 * An MPI_Info of the hints [[key, value], ...] (MPI_INFO_NULL for none; the
 * caller frees another). 0 with an exception pending when a hint is not a string.
 */
static int new_info(napi_env env, napi_value hints, MPI_Info *out) {
  *out = MPI_INFO_NULL;
  uint32_t nh = length_of(env, hints);
  int ok = 1;
  if (nh > 0) MPI_Info_create(out);
  for (uint32_t j = 0; j < nh && ok; j++) {
    napi_value kv = element(env, hints, j);
    char *key = new_cstring(env, element(env, kv, 0), "info key");
    char *val = key ? new_cstring(env, element(env, kv, 1), "info value") : NULL;
    if (key && val) MPI_Info_set(*out, key, val);
    ok = key && val;
    free(key);
    free(val);
  }
  return ok;
}

/*
 * commSpawn(comm, root, commands | null) -> [intercomm, ...errcodes]: MPI_Comm_spawn_multiple,
 * collective over comm. At the root, commands is [[program, argv[], maxprocs, [[key, value], ...]], ...];
 * elsewhere null (MPI reads the root's arguments only). Errcodes (root only) are
 * mpi4ts error classes, one per process asked for.
 */
static napi_value js_comm_spawn(napi_env env, napi_callback_info info) {
  ARGS(3);
  MPI_Comm comm = COMM_ARG(argv[0]);
  int root = i32(env, argv[1]);
  napi_valuetype vt;
  napi_typeof(env, argv[2], &vt);
  int count = vt == napi_null ? 0 : (int)length_of(env, argv[2]);
  char **programs = calloc(count ? count : 1, sizeof(char *));
  char ***argvs = calloc(count ? count : 1, sizeof(char **));
  int *maxprocs = calloc(count ? count : 1, sizeof(int));
  MPI_Info *infos = calloc(count ? count : 1, sizeof(MPI_Info));
  int total = 0, ok = 1;
  for (int k = 0; k < count; k++) infos[k] = MPI_INFO_NULL;
  for (int k = 0; k < count && ok; k++) {
    napi_value cmd = element(env, argv[2], k);
    ok = (programs[k] = new_cstring(env, element(env, cmd, 0), "command")) != NULL;
    napi_value args = element(env, cmd, 1);
    uint32_t n = length_of(env, args);
    argvs[k] = calloc(n + 1, sizeof(char *));
    for (uint32_t j = 0; j < n && ok; j++) ok = (argvs[k][j] = new_cstring(env, element(env, args, j), "argument")) != NULL;
    maxprocs[k] = i32(env, element(env, cmd, 2));
    total += maxprocs[k];
    if (ok) ok = new_info(env, element(env, cmd, 3), &infos[k]);
  }
  int *errcodes = total > 0 ? calloc(total, sizeof(int)) : NULL;
  MPI_Comm inter = MPI_COMM_NULL;
  int rc = MPI_SUCCESS;
  if (ok) {
    rc = MPI_Comm_spawn_multiple(count, programs, argvs, maxprocs, infos, root, comm, &inter,
                                 errcodes ? errcodes : MPI_ERRCODES_IGNORE);
  }
  for (int k = 0; k < count; k++) {
    free(programs[k]);
    for (char **a = argvs[k]; a && *a; a++) free(*a);
    free(argvs[k]);
    if (infos[k] != MPI_INFO_NULL) MPI_Info_free(&infos[k]);
  }
  free(programs);
  free(argvs);
  free(maxprocs);
  free(infos);
  napi_value result = NULL;
  if (!ok) {
    /* an exception is pending */
  } else if (rc != MPI_SUCCESS) {
    throw_mpi(env, "MPI_Comm_spawn_multiple", rc);
  } else {
    napi_create_array_with_length(env, total + 1, &result);
    napi_set_element(env, result, 0, ret_i32(env, adopt(inter)));
    for (int i = 0; i < total; i++) napi_set_element(env, result, i + 1, ret_i32(env, ts_error_class(errcodes[i])));
  }
  free(errcodes);
  return result;
}

/* commGetParent() -> comm or -1: MPI_Comm_get_parent (the same index at every call, -1 once it is freed or disconnected). */
static napi_value js_comm_get_parent(napi_env env, napi_callback_info info) {
  if (parent_index == -2) {
    MPI_Comm p = MPI_COMM_NULL;
    CHECK("MPI_Comm_get_parent", MPI_Comm_get_parent(&p));
    parent_index = p == MPI_COMM_NULL ? -1 : adopt(p);
  }
  return ret_i32(env, parent_index);
}

/* ---- ports and names ------------------------------------------------------ */

/* openPort(hints) -> port name: MPI_Open_port. */
static napi_value js_open_port(napi_env env, napi_callback_info info) {
  ARGS(1);
  MPI_Info hints;
  if (!new_info(env, argv[0], &hints)) return NULL;
  char port[MPI_MAX_PORT_NAME + 1] = {0};
  int rc = MPI_Open_port(hints, port);
  if (hints != MPI_INFO_NULL) MPI_Info_free(&hints);
  if (rc != MPI_SUCCESS) {
    throw_mpi(env, "MPI_Open_port", rc);
    return NULL;
  }
  napi_value v;
  napi_create_string_utf8(env, port, NAPI_AUTO_LENGTH, &v);
  return v;
}

/* closePort(port): MPI_Close_port. */
static napi_value js_close_port(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *port = new_cstring(env, argv[0], "port name");
  if (port == NULL) return NULL;
  int rc = MPI_Close_port(port);
  free(port);
  if (rc != MPI_SUCCESS) throw_mpi(env, "MPI_Close_port", rc);
  return NULL;
}

/*
 * nameService(op, service, port | null, hints) -> port name or undefined:
 * op 0 MPI_Publish_name, 1 MPI_Unpublish_name, 2 MPI_Lookup_name.
 */
static napi_value js_name_service(napi_env env, napi_callback_info info) {
  ARGS(4);
  int op = i32(env, argv[0]);
  char found[MPI_MAX_PORT_NAME + 1] = {0};
  char *service = new_cstring(env, argv[1], "service name");
  char *port = service && op != 2 ? new_cstring(env, argv[2], "port name") : NULL;
  MPI_Info hints = MPI_INFO_NULL;
  int ok = service != NULL && (op == 2 || port != NULL) && new_info(env, argv[3], &hints);
  int rc = MPI_SUCCESS;
  const char *routine = op == 0 ? "MPI_Publish_name" : op == 1 ? "MPI_Unpublish_name" : "MPI_Lookup_name";
  if (ok) {
    if (op == 0) rc = MPI_Publish_name(service, hints, port);
    else if (op == 1) rc = MPI_Unpublish_name(service, hints, port);
    else rc = MPI_Lookup_name(service, hints, found);
  }
  free(service);
  free(port);
  if (hints != MPI_INFO_NULL) MPI_Info_free(&hints);
  if (!ok) return NULL; /* an exception is pending */
  if (rc != MPI_SUCCESS) {
    throw_mpi(env, routine, rc);
    return NULL;
  }
  if (op != 2) return NULL;
  napi_value v;
  napi_create_string_utf8(env, found, NAPI_AUTO_LENGTH, &v);
  return v;
}

/*
 * commConnect(comm, port | null, hints, root, accept) -> intercomm:
 * MPI_Comm_accept (accept = 1) or MPI_Comm_connect, collective over comm;
 * the port counts at the root only.
 */
static napi_value js_comm_connect(napi_env env, napi_callback_info info) {
  ARGS(5);
  MPI_Comm comm = COMM_ARG(argv[0]);
  napi_valuetype vt;
  napi_typeof(env, argv[1], &vt);
  char *port = vt == napi_string ? new_cstring(env, argv[1], "port name") : NULL;
  if (vt == napi_string && port == NULL) return NULL;
  MPI_Info hints;
  if (!new_info(env, argv[2], &hints)) {
    free(port);
    return NULL;
  }
  int root = i32(env, argv[3]);
  int accept = i32(env, argv[4]);
  MPI_Comm inter = MPI_COMM_NULL;
  int rc = accept ? MPI_Comm_accept(port, hints, root, comm, &inter) : MPI_Comm_connect(port, hints, root, comm, &inter);
  free(port);
  if (hints != MPI_INFO_NULL) MPI_Info_free(&hints);
  if (rc != MPI_SUCCESS) {
    throw_mpi(env, accept ? "MPI_Comm_accept" : "MPI_Comm_connect", rc);
    return NULL;
  }
  return ret_i32(env, adopt(inter));
}

/*
 * commJoin(fd) -> intercomm: MPI_Comm_join. Node.js makes its sockets
 * non-blocking, and the libraries read and write the descriptor expecting
 * blocking calls: it is blocking for the call, then as it was.
 */
static napi_value js_comm_join(napi_env env, napi_callback_info info) {
  ARGS(1);
  int fd = i32(env, argv[0]);
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) {
    napi_throw_range_error(env, NULL, "MPI_Comm_join: not an open file descriptor");
    return NULL;
  }
  if (flags & O_NONBLOCK) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  MPI_Comm inter = MPI_COMM_NULL;
  int rc = MPI_Comm_join(fd, &inter);
  if (flags & O_NONBLOCK) fcntl(fd, F_SETFL, flags);
  if (rc != MPI_SUCCESS) {
    throw_mpi(env, "MPI_Comm_join", rc);
    return NULL;
  }
  return ret_i32(env, inter == MPI_COMM_NULL ? -1 : adopt(inter));
}

/* commDisconnect(comm): MPI_Comm_disconnect, collective over both groups of an intercommunicator. */
static napi_value js_comm_disconnect(napi_env env, napi_callback_info info) {
  return release_comm(env, info, "MPI_Comm_disconnect", MPI_Comm_disconnect);
}

/* intercommMerge(comm, high) -> comm */
static napi_value js_intercomm_merge(napi_env env, napi_callback_info info) {
  ARGS(2);
  MPI_Comm out;
  CHECK("MPI_Intercomm_merge", MPI_Intercomm_merge(COMM_ARG(argv[0]), i32(env, argv[1]), &out));
  return ret_i32(env, adopt(out));
}

/*
 * groupRanks(comm, remote, other, otherRemote) -> Int32Array: the rank in
 * `other`'s local (otherRemote = 0) or remote group of each process of
 * `comm`'s local (remote = 0) or remote group, -1 where it is not there
 * (other = 0: MPI_COMM_WORLD ranks, -1 for processes of another world).
 */
static napi_value js_group_ranks(napi_env env, napi_callback_info info) {
  ARGS(4);
  MPI_Comm c = COMM_ARG(argv[0]), o = COMM_ARG(argv[2]);
  MPI_Group g, into;
  if (i32(env, argv[1])) CHECK("MPI_Comm_remote_group", MPI_Comm_remote_group(c, &g));
  else CHECK("MPI_Comm_group", MPI_Comm_group(c, &g));
  if (i32(env, argv[3])) CHECK("MPI_Comm_remote_group", MPI_Comm_remote_group(o, &into));
  else CHECK("MPI_Comm_group", MPI_Comm_group(o, &into));
  int n = 0;
  MPI_Group_size(g, &n);
  napi_value ab, out;
  void *mem = NULL;
  napi_create_arraybuffer(env, (size_t)n * 4, &mem, &ab);
  int *ranks = malloc(sizeof(int) * (n ? n : 1));
  for (int i = 0; i < n; i++) ranks[i] = i;
  int rc = MPI_Group_translate_ranks(g, n, ranks, into, (int *)mem);
  free(ranks);
  MPI_Group_free(&g);
  MPI_Group_free(&into);
  CHECK("MPI_Group_translate_ranks", rc);
  for (int i = 0; i < n; i++) if (((int *)mem)[i] == MPI_UNDEFINED) ((int *)mem)[i] = -1;
  napi_create_typedarray(env, napi_int32_array, n, ab, 0, &out);
  return out;
}

/* ---- point-to-point ------------------------------------------------------ */

/* send(comm, buf, dest, tag, sync): returns undefined (NULL) */
static napi_value js_send(napi_env env, napi_callback_info info) {
  ARGS(5);
  void *data;
  size_t n;
  /* The engine passes a Uint8Array: one N-API call, not bytes_of's three. */
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, argv[1], &type, &n, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  }
  MPI_Comm c = COMM_ARG(argv[0]);
  int dest = i32(env, argv[2]), tag = i32(env, argv[3]);
  SPAN(sp, n);
  int sync = i32(env, argv[4]);
  int rc = sync ? MPI_Ssend(data, sp.count, sp.type, dest, tag, c) : MPI_Send(data, sp.count, sp.type, dest, tag, c);
  span_done(&sp);
  CHECK(sync ? "MPI_Ssend" : "MPI_Send", rc);
  return NULL;
}

/* isend(comm, buf, dest, tag, sync) -> request */
static napi_value js_isend(napi_env env, napi_callback_info info) {
  ARGS(5);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  MPI_Comm c = COMM_ARG(argv[0]);
  int dest = i32(env, argv[2]), tag = i32(env, argv[3]);
  MPI_Request r;
  SPAN(sp, n);
  void *pin;
  if (!pin_arg(env, argv[1], &pin)) {
    span_done(&sp);
    return NULL;
  }
  int sync = i32(env, argv[4]);
  int rc = sync ? MPI_Issend(data, sp.count, sp.type, dest, tag, c, &r) : MPI_Isend(data, sp.count, sp.type, dest, tag, c, &r);
  span_done(&sp);
  if (rc != MPI_SUCCESS) mpi4ts_unpin(pin);
  CHECK(sync ? "MPI_Issend" : "MPI_Isend", rc);
  return ret_i32(env, req_put_pinned(r, pin, NULL));
}

/* recv(comm, buf, source, tag): status written; truncation reported there, not thrown. */
static napi_value js_recv(napi_env env, napi_callback_info info) {
  ARGS(4);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  MPI_Status st;
  SPAN(sp, n);
  int rc = MPI_Recv(data, sp.count, sp.type, to_source(i32(env, argv[2])), to_tag(i32(env, argv[3])),
                    COMM_ARG(argv[0]), &st);
  span_done(&sp);
  if (rc != MPI_SUCCESS && ts_error_class(rc) != 14) {
    throw_mpi(env, "MPI_Recv", rc);
    return NULL;
  }
  put_status(&st, rc);
  return ret_undefined(env);
}

/* irecv(comm, buf, source, tag) -> request */
static napi_value js_irecv(napi_env env, napi_callback_info info) {
  ARGS(4);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  MPI_Comm c = COMM_ARG(argv[0]);
  MPI_Request r;
  SPAN(sp, n);
  void *pin;
  if (!pin_arg(env, argv[1], &pin)) {
    span_done(&sp);
    return NULL;
  }
  int rc = MPI_Irecv(data, sp.count, sp.type, to_source(i32(env, argv[2])), to_tag(i32(env, argv[3])), c, &r);
  span_done(&sp);
  if (rc != MPI_SUCCESS) mpi4ts_unpin(pin);
  CHECK("MPI_Irecv", rc);
  return ret_i32(env, req_put_pinned(r, pin, NULL));
}

/* iprobe(comm, source, tag) -> bool (status written when true) */
static napi_value js_iprobe(napi_env env, napi_callback_info info) {
  ARGS(3);
  int flag = 0;
  MPI_Status st;
  CHECK("MPI_Iprobe", MPI_Iprobe(to_source(i32(env, argv[1])), to_tag(i32(env, argv[2])), COMM_ARG(argv[0]),
                                 &flag, &st));
  if (flag) put_status(&st, 0);
  return ret_bool(env, flag);
}

static napi_value js_probe(napi_env env, napi_callback_info info) {
  ARGS(3);
  MPI_Status st;
  CHECK("MPI_Probe",
        MPI_Probe(to_source(i32(env, argv[1])), to_tag(i32(env, argv[2])), COMM_ARG(argv[0]), &st));
  put_status(&st, 0);
  return ret_undefined(env);
}

/* mprobe(comm, source, tag) -> message (status written: its size) */
static napi_value js_mprobe(napi_env env, napi_callback_info info) {
  ARGS(3);
  MPI_Status st;
  MPI_Message m;
  CHECK("MPI_Mprobe", MPI_Mprobe(to_source(i32(env, argv[1])), to_tag(i32(env, argv[2])), COMM_ARG(argv[0]),
                                 &m, &st));
  put_status(&st, 0);
  return ret_i32(env, msg_put(m));
}

/* improbe(comm, source, tag) -> message or -1 */
static napi_value js_improbe(napi_env env, napi_callback_info info) {
  ARGS(3);
  MPI_Status st;
  MPI_Message m;
  int flag = 0;
  CHECK("MPI_Improbe", MPI_Improbe(to_source(i32(env, argv[1])), to_tag(i32(env, argv[2])),
                                   COMM_ARG(argv[0]), &flag, &m, &st));
  if (!flag) return ret_i32(env, -1);
  put_status(&st, 0);
  return ret_i32(env, msg_put(m));
}

/* mrecv(message, buf): status written */
static napi_value js_mrecv(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  int i = MSG_INDEX(argv[0]);
  MPI_Message m = msg_tab[i];
  msg_drop(i);
  MPI_Status st;
  SPAN(sp, n);
  int rc = MPI_Mrecv(data, sp.count, sp.type, &m, &st);
  span_done(&sp);
  if (rc != MPI_SUCCESS && ts_error_class(rc) != 14) {
    throw_mpi(env, "MPI_Mrecv", rc);
    return NULL;
  }
  put_status(&st, rc);
  return ret_undefined(env);
}

/*
 * precv(comm, buf | null, source, tag) -> -1 | message | ArrayBuffer: the
 * blocking receive in one call. MPI_Mprobe, then: a buffer that holds the
 * message receives it (MPI_Mrecv, status written, -1 returned); a buffer
 * too small gets nothing and the matched message's index is returned (the
 * caller stages it: a short buffer is never handed to the library, whose
 * truncation path has been seen to write past it); no buffer (an object)
 * receives into a new ArrayBuffer of the message's size, returned.
 */
static napi_value js_precv(napi_env env, napi_callback_info info) {
  ARGS(4);
  MPI_Comm c = COMM_ARG(argv[0]);
  napi_valuetype vt;
  napi_typeof(env, argv[1], &vt);
  void *data = NULL;
  size_t n = 0;
  if (vt != napi_null && !bytes_of(env, argv[1], &data, &n)) return NULL;
  MPI_Status st;
  MPI_Message m;
  CHECK("MPI_Mprobe", MPI_Mprobe(to_source(i32(env, argv[2])), to_tag(i32(env, argv[3])), c, &m, &st));
  size_t count = (size_t)status_bytes(&st);
  napi_value result;
  if (vt == napi_null) {
    void *mem = NULL;
    if (napi_create_arraybuffer(env, count, &mem, &result) != napi_ok) {
      /* No memory to receive it into: take the message off the queue, then report. */
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (!pending) {
        char why[96];
        snprintf(why, sizeof why, "cannot allocate %zu bytes for the incoming message", count);
        napi_throw_range_error(env, NULL, why);
      }
      /* (Never a short buffer: Open MPI's truncation path writes past it, see recvSmall.) */
      void *sink = malloc(count > 0 ? count : 1);
      span_t drop;
      if (sink != NULL && span_of(count, &drop) == MPI_SUCCESS) {
        MPI_Mrecv(sink, drop.count, drop.type, &m, &st);
        span_done(&drop);
      }
      free(sink);
      return NULL;
    }
    data = mem;
  } else if (count > n) {
    put_status(&st, 0);
    return ret_i32(env, msg_put(m));
  } else {
    result = ret_i32(env, -1);
  }
  SPAN(sp, count);
  int rc = MPI_Mrecv(data, sp.count, sp.type, &m, &st);
  span_done(&sp);
  CHECK("MPI_Mrecv", rc);
  put_status(&st, 0);
  return result;
}

/*
 * Small blocking receives: one MPI_Recv, no matched probe. Open MPI 4.1
 * (ob1 over vader's single-copy get) writes a truncated rendezvous message
 * whole past the receive buffer (measured: 5000 B into an 8 B buffer), so
 * the caller's buffer is never handed to the library here. The message
 * lands in `landing`, an address-space reservation larger than any message
 * (MAP_NORESERVE: only the pages written cost memory), received with count
 * INT_MAX so that the library never truncates, and its head is copied out.
 * For messages up to LANDING_LIMIT that copy costs less than the matched
 * probe it replaces (MPI_Mprobe + MPI_Mrecv goes through ob1's unexpected
 * path: ~0.4 us on an 8 B ping-pong).
 */
#define LANDING_RESERVE ((size_t)1 << 36)
#define LANDING_LIMIT 8192
#define LANDING_KEEP ((size_t)1 << 20)
static unsigned char *landing = NULL;
static int landing_state = 0; /* 0 not tried, 1 ready, -1 unavailable */

static int landing_ready(void) {
  if (landing_state == 0) {
    void *p = mmap(NULL, LANDING_RESERVE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    landing_state = p == MAP_FAILED ? -1 : 1;
    if (p != MAP_FAILED) landing = p;
  }
  return landing_state == 1;
}

/* recvLimit() -> the largest buffer recvSmall takes (0: none, the reservation failed). */
static napi_value js_recv_limit(napi_env env, napi_callback_info info) {
  return ret_i32(env, landing_ready() ? LANDING_LIMIT : 0);
}

/*
 * recvSmall(comm, buf, source, tag): the message's head (up to buf's
 * length) is in buf; source, tag and its size in bytes in the status. A
 * size past buf's length is a truncation for the caller to report.
 */
static napi_value js_recv_small(napi_env env, napi_callback_info info) {
  ARGS(4);
  void *data;
  size_t n;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, argv[1], &type, &n, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "recvSmall: expected a Uint8Array");
    return NULL;
  }
  if (n > LANDING_LIMIT || !landing_ready()) {
    napi_throw_range_error(env, NULL, "recvSmall: buffer larger than recvLimit()");
    return NULL;
  }
  MPI_Status st;
  int rc = MPI_Recv(landing, INT_MAX, MPI_BYTE, to_source(i32(env, argv[2])), to_tag(i32(env, argv[3])),
                    COMM_ARG(argv[0]), &st);
  if (rc != MPI_SUCCESS) {
    throw_mpi(env, "MPI_Recv", rc);
    return NULL;
  }
  MPI_Count count = status_bytes(&st);
  memcpy(data, landing, (size_t)count < n ? (size_t)count : n);
  /* A large (truncated) message touched many pages: give them back. */
  if ((size_t)count > LANDING_KEEP) madvise(landing, (size_t)count, MADV_DONTNEED);
  status_out[ST_SOURCE] = st.MPI_SOURCE;
  status_out[ST_TAG] = st.MPI_TAG;
  put_count(count);
  status_out[ST_ERROR] = 0;
  status_out[ST_CANCELLED] = 0;
  return ret_undefined(env);
}

/* imrecv(message, buf) -> request */
static napi_value js_imrecv(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  int i = MSG_INDEX(argv[0]);
  /* Pinned before the message leaves the table: a refusal leaves it there, matched, for the caller. */
  void *pin;
  if (!pin_arg(env, argv[1], &pin)) return NULL;
  MPI_Message m = msg_tab[i];
  msg_drop(i);
  MPI_Request r;
  SPAN(sp, n);
  int rc = MPI_Imrecv(data, sp.count, sp.type, &m, &r);
  span_done(&sp);
  if (rc != MPI_SUCCESS) mpi4ts_unpin(pin);
  CHECK("MPI_Imrecv", rc);
  return ret_i32(env, req_put_pinned(r, pin, NULL));
}

/* ---- collectives ----------------------------------------------------------- */

/* Element kinds and operations by the codes src/transport/native/engine.ts uses. */
static MPI_Datatype type_of(int code) {
  switch (code) {
    case 0: return MPI_INT8_T;
    case 1: return MPI_UINT8_T;
    case 2: return MPI_INT16_T;
    case 3: return MPI_UINT16_T;
    case 4: return MPI_INT32_T;
    case 5: return MPI_UINT32_T;
    case 6: return MPI_INT64_T;
    case 7: return MPI_UINT64_T;
    case 8: return MPI_FLOAT;
    case 9: return MPI_DOUBLE;
    case 10: return MPI_BYTE;
    default: return MPI_DATATYPE_NULL;
  }
}

static MPI_Op op_of(int code) {
  switch (code) {
    case 0: return MPI_SUM;
    case 1: return MPI_PROD;
    case 2: return MPI_MAX;
    case 3: return MPI_MIN;
    case 4: return MPI_LAND;
    case 5: return MPI_LOR;
    case 6: return MPI_LXOR;
    case 7: return MPI_BAND;
    case 8: return MPI_BOR;
    case 9: return MPI_BXOR;
    case 10: return MPI_REPLACE;
    case 11: return MPI_NO_OP;
    default: return MPI_OP_NULL;
  }
}

/*
 * The collectives take a last argument `blocking`: MPI_Barrier & co. then
 * run to completion and -1 is returned, else MPI_Ibarrier & co. start and
 * their request is returned. Both exist because MPI never matches a blocking
 * collective with a non-blocking one: a C rank's MPI_Bcast needs our MPI_Bcast.
 */

/* ibarrier(comm, blocking) -> request or -1 */
static napi_value js_ibarrier(napi_env env, napi_callback_info info) {
  ARGS(2);
  MPI_Comm c = COMM_ARG(argv[0]);
  if (i32(env, argv[1])) {
    CHECK("MPI_Barrier", MPI_Barrier(c));
    return ret_i32(env, -1);
  }
  MPI_Request r;
  CHECK("MPI_Ibarrier", MPI_Ibarrier(c, &r));
  return ret_i32(env, req_put(r));
}

/* ibcast(comm, buf, root, blocking) -> request or -1 */
static napi_value js_ibcast(napi_env env, napi_callback_info info) {
  ARGS(4);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[1], &data, &n)) return NULL;
  MPI_Comm c = COMM_ARG(argv[0]);
  int root = to_root(i32(env, argv[2]));
  SPAN(sp, n);
  if (i32(env, argv[3])) {
    int rc = MPI_Bcast(data, sp.count, sp.type, root, c);
    span_done(&sp);
    CHECK("MPI_Bcast", rc);
    return ret_i32(env, -1);
  }
  MPI_Request r;
  void *pin;
  if (!pin_arg(env, argv[1], &pin)) {
    span_done(&sp);
    return NULL;
  }
  int rc = MPI_Ibcast(data, sp.count, sp.type, root, c, &r);
  span_done(&sp);
  if (rc != MPI_SUCCESS) mpi4ts_unpin(pin);
  CHECK("MPI_Ibcast", rc);
  return ret_i32(env, req_put_pinned(r, pin, NULL));
}

/*
 * ireduce(comm, send, result | null, count, type, op, root, blocking) -> request or -1;
 * root TS_ALL: MPI_Iallreduce; across an intercommunicator, root TS_ROOT or
 * TS_PROC_NULL as MPI_Reduce takes them. `send` at the result's address means
 * in place (on an intracommunicator).
 */
static napi_value js_ireduce(napi_env env, napi_callback_info info) {
  ARGS(8);
  int blocking = i32(env, argv[7]);
  void *send, *recv = NULL;
  size_t ns, nr = 0;
  if (!bytes_of(env, argv[1], &send, &ns)) return NULL;
  napi_valuetype vt;
  napi_typeof(env, argv[2], &vt);
  if (vt != napi_null && !bytes_of(env, argv[2], &recv, &nr)) return NULL;
  MPI_Comm c = COMM_ARG(argv[0]);
  int count = i32(env, argv[3]);
  MPI_Datatype t = type_of(i32(env, argv[4]));
  MPI_Op op = op_of(i32(env, argv[5]));
  int root = i32(env, argv[6]);
  /* The library reads and writes count elements: never more than the buffers hold. */
  int width = 0;
  if (t == MPI_DATATYPE_NULL || op == MPI_OP_NULL) {
    napi_throw_range_error(env, NULL, "ireduce: unknown element type or operation code");
    return NULL;
  }
  MPI_Type_size(t, &width);
  size_t need = (size_t)(count < 0 ? 0 : count) * (size_t)width;
  int inter = 0, rank = -1;
  if (root != TS_ALL) {
    MPI_Comm_test_inter(c, &inter);
    if (!inter) MPI_Comm_rank(c, &rank);
  }
  int at_root = root == TS_ALL ? 1 : inter ? root == TS_ROOT : rank == root;
  /* The result is used at the root (everywhere in an allreduce); the
   * contribution everywhere but across an intercommunicator from the root's
   * group (MPI_ROOT, MPI_PROC_NULL). */
  int uses_send = !(inter && (root == TS_ROOT || root == TS_PROC_NULL));
  if (at_root && vt == napi_null) {
    napi_throw_range_error(env, NULL, root == TS_ALL ? "ireduce: an allreduce needs a result buffer" : "ireduce: the root needs a result buffer");
    return NULL;
  }
  if (count < 0 || (uses_send && need > ns) || (at_root && need > nr)) {
    napi_throw_range_error(env, NULL, "ireduce: count exceeds a buffer");
    return NULL;
  }
  void *pin_s = NULL, *pin_r = NULL;
  if (!blocking) {
    if (!pin_arg(env, argv[1], &pin_s)) return NULL;
    if (vt != napi_null && !pin_arg(env, argv[2], &pin_r)) {
      mpi4ts_unpin(pin_s);
      return NULL;
    }
  }
  const void *sbuf = recv != NULL && send == recv ? MPI_IN_PLACE : send;
  MPI_Request r;
  int rc;
  if (root == TS_ALL) {
    if (blocking) CHECK("MPI_Allreduce", MPI_Allreduce(sbuf, recv, count, t, op, c));
    else {
      rc = MPI_Iallreduce(sbuf, recv, count, t, op, c, &r);
      if (rc != MPI_SUCCESS) mpi4ts_unpin(pin_s), mpi4ts_unpin(pin_r);
      CHECK("MPI_Iallreduce", rc);
    }
  } else {
    /* MPICH checks the send buffer even where MPI ignores it (MPI_ROOT, a
     * contribution of 0 elements), and that it is not the result: point it
     * at memory of its own. */
    static char unused;
    const void *s = at_root ? (inter ? &unused : sbuf) : send != NULL ? send : &unused;
    void *d = at_root ? recv : NULL;
    if (blocking) CHECK("MPI_Reduce", MPI_Reduce(s, d, count, t, op, to_root(root), c));
    else {
      rc = MPI_Ireduce(s, d, count, t, op, to_root(root), c, &r);
      if (rc != MPI_SUCCESS) mpi4ts_unpin(pin_s), mpi4ts_unpin(pin_r);
      CHECK("MPI_Ireduce", rc);
    }
  }
  return ret_i32(env, blocking ? -1 : req_put_pinned(r, pin_s, pin_r));
}

/* ---- completion ---------------------------------------------------------- */

/* test(request) -> bool; when true the request is released and the status written. */
static napi_value js_test(napi_env env, napi_callback_info info) {
  ARGS(1);
  int i = REQ_INDEX(argv[0]);
  int flag = 0;
  MPI_Status st;
  int rc = MPI_Test(&req_tab[i], &flag, &st);
  if (rc != MPI_SUCCESS) {
    if (req_tab[i] != MPI_REQUEST_NULL && ts_error_class(rc) != 14) {
      throw_mpi(env, "MPI_Test", rc);
      return NULL;
    }
    flag = 1;
  }
  if (flag) {
    put_status(&st, rc);
    req_release(i);
  }
  return ret_bool(env, flag);
}

/* wait(request): released, status written. */
static napi_value js_wait(napi_env env, napi_callback_info info) {
  ARGS(1);
  int i = REQ_INDEX(argv[0]);
  MPI_Status st;
  int rc = MPI_Wait(&req_tab[i], &st);
  if (rc != MPI_SUCCESS && ts_error_class(rc) != 14) {
    throw_mpi(env, "MPI_Wait", rc);
    return NULL;
  }
  put_status(&st, rc);
  req_release(i);
  return ret_undefined(env);
}

/* waitany(requests: Int32Array, -1 for none) -> index (that request released, status written), or -1. */
static napi_value js_waitany(napi_env env, napi_callback_info info) {
  ARGS(1);
  void *data;
  size_t n;
  if (!bytes_of(env, argv[0], &data, &n)) return NULL;
  int32_t *ids = data;
  int count = (int)(n / 4);
  for (int k = 0; k < count; k++) {
    if (ids[k] >= 0 && !req_ok(ids[k])) {
      throw_index(env, "request", ids[k]);
      return NULL;
    }
  }
  MPI_Request small[64];
  MPI_Request *rs = count <= 64 ? small : malloc(sizeof(MPI_Request) * count);
  for (int k = 0; k < count; k++) rs[k] = ids[k] >= 0 ? req_tab[ids[k]] : MPI_REQUEST_NULL;
  int index = MPI_UNDEFINED;
  MPI_Status st;
  int rc = MPI_Waitany(count, rs, &index, &st);
  if (rs != small) free(rs);
  if (rc != MPI_SUCCESS && ts_error_class(rc) != 14) {
    throw_mpi(env, "MPI_Waitany", rc);
    return NULL;
  }
  if (index == MPI_UNDEFINED) return ret_i32(env, -1);
  put_status(&st, rc);
  req_tab[ids[index]] = MPI_REQUEST_NULL;
  req_release(ids[index]);
  return ret_i32(env, index);
}

/* cancel(request): MPI_Cancel; completion is still observed through test/wait. */
static napi_value js_cancel(napi_env env, napi_callback_info info) {
  ARGS(1);
  int i = REQ_INDEX(argv[0]);
  CHECK("MPI_Cancel", MPI_Cancel(&req_tab[i]));
  return ret_undefined(env);
}

static napi_value js_wtime(napi_env env, napi_callback_info info) {
  napi_value v;
  napi_create_double(env, MPI_Wtime(), &v);
  return v;
}


/* ---- one-sided communication ---------------------------------------------- */

/*
 * Windows (MPI_Win) live in a table like communicators. Every library
 * window has displacement unit 1: JavaScript passes byte displacements,
 * checked here against the target's size (allgathered at creation) before
 * any call, so no displacement reaches outside a target's window.
 *
 * Memory: Win.Create's is the program's typed array, pinned (pin.cc) until
 * winFree. Win.Allocate's and Allocate_shared's is the library's, handed to
 * JavaScript as external ArrayBuffers that winFree detaches before
 * MPI_Win_free releases the memory: a view kept after Free then has length
 * 0, it never reaches freed memory. Operations are non-blocking in MPI:
 * their origin and result buffers are pinned until the synchronisation
 * that completes them (to their target, or to all) unpins them.
 */
typedef struct {
  void *pin;
  int target;
} rma_pin;

typedef struct {
  MPI_Win win;
  int used;
  int nranks;
  int64_t *sizes;
  void *memory_pin;
  napi_ref *views;
  int nviews, views_cap;
  rma_pin *pins;
  int npins, pins_cap;
} win_rec;

static win_rec *win_tab = NULL;
static int win_cap = 0;

static win_rec *win_arg(napi_env env, napi_value v) {
  int i = i32(env, v);
  if (!initialized || finalized || i < 0 || i >= win_cap || !win_tab[i].used) {
    throw_index(env, "window", i);
    return NULL;
  }
  return &win_tab[i];
}

static int win_new(void) {
  for (int i = 0; i < win_cap; i++) if (!win_tab[i].used) return i;
  int n = win_cap ? 2 * win_cap : 8;
  win_tab = realloc(win_tab, sizeof(win_rec) * n);
  memset(win_tab + win_cap, 0, sizeof(win_rec) * (n - win_cap));
  int i = win_cap;
  win_cap = n;
  return i;
}

/* An external ArrayBuffer over library memory, detached at winFree. */
static napi_value win_view(napi_env env, win_rec *w, void *base, size_t n) {
  napi_value ab;
  if (n == 0 || base == NULL) {
    void *d;
    napi_create_arraybuffer(env, 0, &d, &ab);
    return ab;
  }
  if (napi_create_external_arraybuffer(env, base, n, NULL, NULL, &ab) != napi_ok) {
    napi_throw_error(env, NULL, "cannot hand the window memory to JavaScript (external ArrayBuffers refused)");
    return NULL;
  }
  if (w->nviews == w->views_cap) {
    w->views_cap = w->views_cap ? 2 * w->views_cap : 4;
    w->views = realloc(w->views, sizeof(napi_ref) * w->views_cap);
  }
  napi_create_reference(env, ab, 0, &w->views[w->nviews++]);
  return ab;
}

static void win_keep(win_rec *w, void *pin, int target) {
  if (pin == NULL) return;
  if (w->npins == w->pins_cap) {
    w->pins_cap = w->pins_cap ? 2 * w->pins_cap : 16;
    w->pins = realloc(w->pins, sizeof(rma_pin) * w->pins_cap);
  }
  w->pins[w->npins].pin = pin;
  w->pins[w->npins].target = target;
  w->npins++;
}

/* Unpin the buffers of operations to `target` (-1: all), complete now. */
static void win_release(win_rec *w, int target) {
  int k = 0;
  for (int i = 0; i < w->npins; i++) {
    if (target < 0 || w->pins[i].target == target) mpi4ts_unpin(w->pins[i].pin);
    else w->pins[k++] = w->pins[i];
  }
  w->npins = k;
}

/* winCreate(comm, kind (0 create, 1 allocate, 2 shared, 3 dynamic), memory | null, size) -> [win, ArrayBuffer | null] */
static napi_value js_win_create(napi_env env, napi_callback_info info) {
  ARGS(4);
  MPI_Comm c = COMM_ARG(argv[0]);
  int kind = i32(env, argv[1]);
  int64_t size = 0;
  napi_get_value_int64(env, argv[3], &size);
  if (kind < 0 || kind > 3 || size < 0) {
    napi_throw_range_error(env, NULL, "winCreate: bad kind or size");
    return NULL;
  }
  void *base = NULL;
  void *pin = NULL;
  napi_valuetype vt;
  napi_typeof(env, argv[2], &vt);
  if (kind == 0 && vt != napi_null && vt != napi_undefined) {
    size_t n;
    if (!bytes_of(env, argv[2], &base, &n)) return NULL;
    if (!pin_arg(env, argv[2], &pin)) return NULL;
    size = (int64_t)n;
    if (n == 0) base = NULL;
  } else if (kind == 0) size = 0;
  MPI_Win win;
  int rc;
  const char *routine;
  switch (kind) {
    case 0: routine = "MPI_Win_create"; rc = MPI_Win_create(base, (MPI_Aint)size, 1, MPI_INFO_NULL, c, &win); break;
    case 1: routine = "MPI_Win_allocate"; rc = MPI_Win_allocate((MPI_Aint)size, 1, MPI_INFO_NULL, c, &base, &win); break;
    case 2: routine = "MPI_Win_allocate_shared"; rc = MPI_Win_allocate_shared((MPI_Aint)size, 1, MPI_INFO_NULL, c, &base, &win); break;
    default: routine = "MPI_Win_create_dynamic"; size = 0; rc = MPI_Win_create_dynamic(MPI_INFO_NULL, c, &win); break;
  }
  if (rc != MPI_SUCCESS) {
    mpi4ts_unpin(pin);
    throw_mpi(env, routine, rc);
    return NULL;
  }
  MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
  int nranks = 0;
  MPI_Comm_size(c, &nranks);
  int64_t *sizes = malloc(sizeof(int64_t) * (nranks > 0 ? nranks : 1));
  rc = MPI_Allgather(&size, 1, MPI_INT64_T, sizes, 1, MPI_INT64_T, c);
  if (rc != MPI_SUCCESS) {
    free(sizes);
    MPI_Win_free(&win);
    mpi4ts_unpin(pin);
    throw_mpi(env, "MPI_Allgather", rc);
    return NULL;
  }
  int i = win_new();
  win_rec *w = &win_tab[i];
  memset(w, 0, sizeof *w);
  w->used = 1;
  w->win = win;
  w->nranks = nranks;
  w->sizes = sizes;
  w->memory_pin = pin;
  napi_value out, v;
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, ret_i32(env, i));
  if (kind == 1 || kind == 2) {
    v = win_view(env, w, base, (size_t)size);
    if (v == NULL) return NULL;
  } else napi_get_null(env, &v);
  napi_set_element(env, out, 1, v);
  return out;
}

/* winSharedQuery(win, rank) -> ArrayBuffer over rank's memory of an Allocate_shared window */
static napi_value js_win_shared_query(napi_env env, napi_callback_info info) {
  ARGS(2);
  win_rec *w = win_arg(env, argv[0]);
  if (w == NULL) return NULL;
  int r = i32(env, argv[1]);
  if (r < 0 || r >= w->nranks) {
    napi_throw_range_error(env, NULL, "winSharedQuery: rank out of range");
    return NULL;
  }
  MPI_Aint size;
  int unit;
  void *base;
  CHECK("MPI_Win_shared_query", MPI_Win_shared_query(w->win, r, &size, &unit, &base));
  if ((int64_t)size > w->sizes[r]) size = (MPI_Aint)w->sizes[r];
  return win_view(env, w, base, (size_t)size);
}

/* winFree(win): collective; detaches the views of library memory first. */
static napi_value js_win_free(napi_env env, napi_callback_info info) {
  ARGS(1);
  win_rec *w = win_arg(env, argv[0]);
  if (w == NULL) return NULL;
  for (int k = 0; k < w->nviews; k++) {
    napi_value ab;
    if (napi_get_reference_value(env, w->views[k], &ab) == napi_ok && ab != NULL) napi_detach_arraybuffer(env, ab);
    napi_delete_reference(env, w->views[k]);
  }
  w->nviews = 0;
  int rc = MPI_Win_free(&w->win);
  win_release(w, -1);
  mpi4ts_unpin(w->memory_pin);
  free(w->sizes);
  free(w->views);
  free(w->pins);
  memset(w, 0, sizeof *w);
  CHECK("MPI_Win_free", rc);
  return NULL;
}

/* The bytes [disp, disp + n) of `target`'s window, checked; throws and returns 0 outside it. */
static int win_range(napi_env env, win_rec *w, int target, int64_t disp, size_t n) {
  if (target < 0 || target >= w->nranks) {
    napi_throw_range_error(env, NULL, "target rank out of range");
    return 0;
  }
  if (disp < 0 || (uint64_t)disp + n > (uint64_t)w->sizes[target] || n > INT_MAX) {
    napi_throw_range_error(env, NULL, "target bytes outside the target's window");
    return 0;
  }
  return 1;
}

/* A pinned view argument (or NULL for null), its pointer and length. */
static int win_buf(napi_env env, napi_value v, void **data, size_t *n, void **pin) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  *data = NULL, *n = 0, *pin = NULL;
  if (vt == napi_null || vt == napi_undefined) return 1;
  if (!bytes_of(env, v, data, n)) return 0;
  return pin_arg(env, v, pin);
}

/* winPut(win, data, target, byteDisp, get): MPI_Put (get 0) or MPI_Get (get 1) of the bytes of `data`. */
static napi_value js_win_put(napi_env env, napi_callback_info info) {
  ARGS(5);
  win_rec *w = win_arg(env, argv[0]);
  if (w == NULL) return NULL;
  int target = i32(env, argv[2]), get = i32(env, argv[4]);
  int64_t disp = 0;
  napi_get_value_int64(env, argv[3], &disp);
  void *data, *pin;
  size_t n;
  if (!win_buf(env, argv[1], &data, &n, &pin)) return NULL;
  if (!win_range(env, w, target, disp, n)) {
    mpi4ts_unpin(pin);
    return NULL;
  }
  int rc = get ? MPI_Get(data, (int)n, MPI_BYTE, target, (MPI_Aint)disp, (int)n, MPI_BYTE, w->win)
               : MPI_Put(data, (int)n, MPI_BYTE, target, (MPI_Aint)disp, (int)n, MPI_BYTE, w->win);
  if (rc != MPI_SUCCESS) mpi4ts_unpin(pin);
  CHECK(get ? "MPI_Get" : "MPI_Put", rc);
  win_keep(w, pin, target);
  return NULL;
}

/*
 * winAccumulate(win, origin | null, result | null, compare | null, target, byteDisp, type, op, bytes):
 * MPI_Accumulate (no result), MPI_Get_accumulate, or MPI_Compare_and_swap
 * (a compare buffer) of `bytes` bytes of element kind `type` (type_of).
 */
static napi_value js_win_accumulate(napi_env env, napi_callback_info info) {
  ARGS(9);
  win_rec *w = win_arg(env, argv[0]);
  if (w == NULL) return NULL;
  int target = i32(env, argv[4]);
  int64_t disp = 0, bytes = 0;
  napi_get_value_int64(env, argv[5], &disp);
  napi_get_value_int64(env, argv[8], &bytes);
  MPI_Datatype t = type_of(i32(env, argv[6]));
  MPI_Op op = op_of(i32(env, argv[7]));
  if (t == MPI_DATATYPE_NULL || op == MPI_OP_NULL || bytes < 0) {
    napi_throw_range_error(env, NULL, "winAccumulate: bad type, operation or length");
    return NULL;
  }
  int width;
  MPI_Type_size(t, &width);
  void *o, *r, *c, *po, *pr, *pc;
  size_t no, nr, nc;
  if (!win_buf(env, argv[1], &o, &no, &po)) return NULL;
  if (!win_buf(env, argv[2], &r, &nr, &pr)) return mpi4ts_unpin(po), NULL;
  if (!win_buf(env, argv[3], &c, &nc, &pc)) return mpi4ts_unpin(po), mpi4ts_unpin(pr), NULL;
  int ok = bytes % width == 0 && (o == NULL ? op == MPI_NO_OP && r != NULL : no >= (size_t)bytes)
           && (r == NULL || nr >= (size_t)bytes) && (c == NULL || (nc >= (size_t)bytes && r != NULL && o != NULL && bytes == width));
  if (!ok) napi_throw_range_error(env, NULL, "winAccumulate: buffers shorter than the data, or misaligned");
  else ok = win_range(env, w, target, disp, (size_t)bytes);
  if (!ok) return mpi4ts_unpin(po), mpi4ts_unpin(pr), mpi4ts_unpin(pc), NULL;
  int n = (int)(bytes / width);
  int rc;
  const char *routine;
  if (c != NULL) {
    routine = "MPI_Compare_and_swap";
    rc = MPI_Compare_and_swap(o, c, r, t, target, (MPI_Aint)disp, w->win);
  } else if (r != NULL) {
    routine = "MPI_Get_accumulate";
    rc = MPI_Get_accumulate(o != NULL ? o : r, o != NULL ? n : 0, t, r, n, t, target, (MPI_Aint)disp, n, t, op, w->win);
  } else {
    routine = "MPI_Accumulate";
    rc = MPI_Accumulate(o, n, t, target, (MPI_Aint)disp, n, t, op, w->win);
  }
  if (rc != MPI_SUCCESS) return mpi4ts_unpin(po), mpi4ts_unpin(pr), mpi4ts_unpin(pc), throw_mpi(env, routine, rc), NULL;
  win_keep(w, po, target);
  win_keep(w, pr, target);
  win_keep(w, pc, target);
  return NULL;
}

/* mpi4ts's MODE_* assertion bits (MPICH's values) as the library's. */
static int lib_assert(int a) {
  return ((a & 1024) ? MPI_MODE_NOCHECK : 0) | ((a & 2048) ? MPI_MODE_NOSTORE : 0) | ((a & 4096) ? MPI_MODE_NOPUT : 0)
         | ((a & 8192) ? MPI_MODE_NOPRECEDE : 0) | ((a & 16384) ? MPI_MODE_NOSUCCEED : 0);
}

/* A group of the window's ranks for MPI_Win_start and MPI_Win_post. */
static int win_group(napi_env env, win_rec *w, napi_value arr, MPI_Group *out) {
  uint32_t n = 0;
  napi_get_array_length(env, arr, &n);
  int *ranks = malloc(sizeof(int) * (n ? n : 1));
  for (uint32_t k = 0; k < n; k++) {
    ranks[k] = i32(env, element(env, arr, k));
    if (ranks[k] < 0 || ranks[k] >= w->nranks) {
      free(ranks);
      napi_throw_range_error(env, NULL, "group rank out of range");
      return 0;
    }
  }
  MPI_Group g;
  int rc = MPI_Win_get_group(w->win, &g);
  if (rc == MPI_SUCCESS) {
    rc = MPI_Group_incl(g, (int)n, ranks, out);
    MPI_Group_free(&g);
  }
  free(ranks);
  if (rc != MPI_SUCCESS) throw_mpi(env, "MPI_Group_incl", rc);
  return rc == MPI_SUCCESS;
}

/*
 * winSync(win, what, rank, assertion, ranks | null) -> true (Test: whether done).
 * what: 0 fence, 1 start, 2 complete, 3 post, 4 wait, 5 test, 6 lock exclusive,
 * 7 lock shared, 8 unlock, 9 lock_all, 10 unlock_all, 11 flush, 12 flush_all,
 * 13 flush_local, 14 flush_local_all, 15 sync.
 */
static napi_value js_win_sync(napi_env env, napi_callback_info info) {
  ARGS(5);
  win_rec *w = win_arg(env, argv[0]);
  if (w == NULL) return NULL;
  int what = i32(env, argv[1]), rank = i32(env, argv[2]), a = lib_assert(i32(env, argv[3]));
  int ranked = what == 6 || what == 7 || what == 8 || what == 11 || what == 13;
  if (ranked && (rank < 0 || rank >= w->nranks)) {
    napi_throw_range_error(env, NULL, "winSync: rank out of range");
    return NULL;
  }
  MPI_Group g = MPI_GROUP_NULL;
  if ((what == 1 || what == 3) && !win_group(env, w, argv[4], &g)) return NULL;
  int rc, flag = 1, release = -2;
  const char *routine;
  switch (what) {
    case 0: routine = "MPI_Win_fence"; rc = MPI_Win_fence(a, w->win); release = -1; break;
    case 1: routine = "MPI_Win_start"; rc = MPI_Win_start(g, a, w->win); break;
    case 2: routine = "MPI_Win_complete"; rc = MPI_Win_complete(w->win); release = -1; break;
    case 3: routine = "MPI_Win_post"; rc = MPI_Win_post(g, a, w->win); break;
    case 4: routine = "MPI_Win_wait"; rc = MPI_Win_wait(w->win); break;
    case 5: routine = "MPI_Win_test"; rc = MPI_Win_test(w->win, &flag); break;
    case 6: case 7: routine = "MPI_Win_lock"; rc = MPI_Win_lock(what == 6 ? MPI_LOCK_EXCLUSIVE : MPI_LOCK_SHARED, rank, a, w->win); break;
    case 8: routine = "MPI_Win_unlock"; rc = MPI_Win_unlock(rank, w->win); release = rank; break;
    case 9: routine = "MPI_Win_lock_all"; rc = MPI_Win_lock_all(a, w->win); break;
    case 10: routine = "MPI_Win_unlock_all"; rc = MPI_Win_unlock_all(w->win); release = -1; break;
    case 11: routine = "MPI_Win_flush"; rc = MPI_Win_flush(rank, w->win); release = rank; break;
    case 12: routine = "MPI_Win_flush_all"; rc = MPI_Win_flush_all(w->win); release = -1; break;
    case 13: routine = "MPI_Win_flush_local"; rc = MPI_Win_flush_local(rank, w->win); release = rank; break;
    case 14: routine = "MPI_Win_flush_local_all"; rc = MPI_Win_flush_local_all(w->win); release = -1; break;
    case 15:
      routine = "MPI_Win_sync";
      rc = MPI_Win_sync(w->win);
      /*
       * MPICH refuses MPI_Win_sync outside a passive-target epoch, which
       * MPI 4.1 allows (Allocate_shared memory stored to, then a barrier):
       * there it is the memory barrier it stands for.
       */
      if (rc != MPI_SUCCESS) {
        int cls = 0;
        MPI_Error_class(rc, &cls);
        if (cls == MPI_ERR_RMA_SYNC) __sync_synchronize(), rc = MPI_SUCCESS;
      }
      break;
    default:
      napi_throw_range_error(env, NULL, "winSync: unknown synchronisation");
      return NULL;
  }
  if (g != MPI_GROUP_NULL) MPI_Group_free(&g);
  CHECK(routine, rc);
  if (release != -2) win_release(w, release);
  return ret_bool(env, flag);
}

/* ---- module -------------------------------------------------------------- */

static napi_value Init(napi_env env, napi_value exports) {
  struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
      {"init", js_init},           {"finalize", js_finalize},
      {"abort", js_abort},         {"libraryVersion", js_library_version}, {"portsSupported", js_ports_supported}, {"version", js_version},
      {"limits", js_limits},
      {"processorName", js_processor_name},
      {"commDup", js_comm_dup},    {"commCreateGroup", js_comm_create_group},
      {"intercommCreate", js_intercomm_create},
      {"commInfo", js_comm_info},  {"commFree", js_comm_free},
      {"commSpawn", js_comm_spawn}, {"commGetParent", js_comm_get_parent},
      {"openPort", js_open_port}, {"closePort", js_close_port}, {"nameService", js_name_service},
      {"commConnect", js_comm_connect}, {"commJoin", js_comm_join},
      {"commDisconnect", js_comm_disconnect}, {"intercommMerge", js_intercomm_merge},
      {"groupRanks", js_group_ranks},
      {"commSplit", js_comm_split},
      {"send", js_send},           {"isend", js_isend},
      {"recv", js_recv},           {"irecv", js_irecv},
      {"iprobe", js_iprobe},       {"probe", js_probe},
      {"mprobe", js_mprobe},       {"improbe", js_improbe},
      {"mrecv", js_mrecv},         {"imrecv", js_imrecv},
      {"precv", js_precv},
      {"recvSmall", js_recv_small}, {"recvLimit", js_recv_limit},
      {"test", js_test},           {"wait", js_wait},
      {"waitany", js_waitany},     {"cancel", js_cancel},
      {"wtime", js_wtime},
      {"ibarrier", js_ibarrier},   {"ibcast", js_ibcast},
      {"ireduce", js_ireduce},
      {"winCreate", js_win_create}, {"winSharedQuery", js_win_shared_query}, {"winFree", js_win_free},
      {"winPut", js_win_put},       {"winAccumulate", js_win_accumulate}, {"winSync", js_win_sync},
  };
  for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++) {
    napi_value f;
    napi_create_function(env, fns[k].name, NAPI_AUTO_LENGTH, fns[k].cb, NULL, &f);
    napi_set_named_property(env, exports, fns[k].name, f);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
