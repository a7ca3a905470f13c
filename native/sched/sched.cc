/*
 * Two things the embedded runtime's ranks (worker threads of one process)
 * cannot do in JavaScript.
 *
 * sched_yield(2) for waiting ranks. With more ranks than cores, a rank that
 * waits for a message should give its core to the rank that will send it.
 * Node has no way to yield a thread: Atomics.wait parks it on a futex, and
 * the wake-up that follows costs tens of microseconds on a virtual machine.
 * Open MPI's shared-memory transport polls and calls sched_yield; this addon
 * lets our ranks do the same.
 *
 * Single-copy transfers. A rank's ArrayBuffers belong to its own isolate: the
 * other ranks can reach them only through a shared segment, two copies. But
 * every rank is a thread of the same process, so the memory itself is
 * addressable from all of them, as Open MPI reaches another process's memory
 * with process_vm_readv (CMA).
 *
 * Ownership is the hazard. The owner of a buffer may return to JavaScript
 * while another rank still copies from or into it (Isend, Ibcast...), and
 * JavaScript can give the memory away at any time: postMessage or
 * structuredClone with a transfer list, ArrayBuffer.prototype.transfer, a
 * worker that ends, a resizable buffer shrunk to 0. So no raw address ever
 * leaves this file. `pin(view)` takes a reference on the view's backing
 * store (std::shared_ptr<v8::BackingStore>, the reference V8 itself hands to
 * another isolate when a buffer is transferred) and returns an opaque handle,
 * a number that other ranks find in this process-wide table. While the pin
 * lives the memory cannot be freed, whatever happens to the ArrayBuffer:
 * detached, transferred, collected, or its isolate disposed (Node gives every
 * worker isolate's allocator to its backing stores as a shared_ptr, so the
 * last reference may drop on any thread, as it does after a transfer).
 * `copyFrom` and `copyTo` copy between a pinned range and a typed array of
 * the calling rank; they check the handle (slot and generation: a stale or
 * made-up handle finds nothing) and the bounds of both sides, so a user who
 * loads this addon directly can at worst get a RangeError.
 *
 * Resizable ArrayBuffers are never pinned (pin returns 0): V8 decommits the
 * pages of a shrunk resizable buffer (PROT_NONE) even while its backing
 * store is referenced, so a copy from one could fault. Callers then take
 * the two-copy path, or copy into a buffer of their own first. A growable
 * SharedArrayBuffer only grows, but is refused alike (one rule is simpler).
 *
 * What pins do not do: keep the owner from reusing its memory. A rank that
 * transfers a buffer while others copy from it sends whatever the memory
 * holds then; the JavaScript side notices the detached view when the
 * operation completes and raises ERR_BUFFER there (see yield.ts).
 *
 * The addon is optional: without it (no compiler at install time) ranks park
 * instead of yielding and large transfers take two copies.
 */
#include <node_api.h>
#include <v8.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

namespace {

napi_value Yield(napi_env, napi_callback_info) {
  sched_yield();
  return nullptr;
}

napi_value Throw(napi_env env, const char *msg) {
  napi_throw_range_error(env, nullptr, msg);
  return nullptr;
}

/* The bytes of a typed array: where they start and how many (0 for a detached or out-of-bounds view). */
bool Bytes(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_typedarray_type type;
  size_t length, offset;
  void *p;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, &type, &length, &p, &buffer, &offset) != napi_ok) return false;
  size_t per = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: per = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: per = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: per = 8; break;
    default: per = 1;
  }
  *data = static_cast<uint8_t *>(p);
  *len = length * per;
  return true;
}

/* The first `want` arguments of the call, if it has them. */
bool Args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  return napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc >= want;
}

/* A byte count, offset or handle: an integer from 0 to 2^53 (anything else is refused). */
bool Count(napi_env env, napi_value v, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return false;
  if (!(d >= 0) || d > 9007199254740992.0 || std::floor(d) != d) return false;
  *out = static_cast<size_t>(d);
  return true;
}

/*
 * A napi_value is a pointer to V8's handle slot, the same bits as a
 * v8::Local (Node's own js_native_api_v8.h converts them by memcpy,
 * V8LocalValueFromJsValue). Node-API has no call for a backing store.
 */
v8::Local<v8::Value> ToLocal(napi_value v) {
  v8::Local<v8::Value> local;
  static_assert(sizeof local == sizeof v, "napi_value and v8::Local differ in size");
  memcpy(static_cast<void *>(&local), &v, sizeof v);
  return local;
}

/* ---- the pin table (process-wide: every rank's thread uses it) ---- */

struct Pin {
  std::shared_ptr<v8::BackingStore> store;  // null: the slot is free
  uint8_t *data = nullptr;                  // the pinned range, inside store
  size_t len = 0;
  uint64_t gen = 0;                         // bumped at each use of the slot
};

constexpr uint64_t SLOT_BITS = 24;
constexpr uint64_t SLOTS = uint64_t(1) << SLOT_BITS;
constexpr uint64_t GEN_MAX = uint64_t(1) << 28;  // handles stay below 2^52: exact as numbers

/* Never destroyed: other threads may still copy while the process exits. */
std::mutex &mu = *new std::mutex;
std::vector<Pin> &pins = *new std::vector<Pin>;
std::vector<uint32_t> &freeSlots = *new std::vector<uint32_t>;

/* The pin `handle` names, copied out under the lock (so it stays valid while we copy); false if none. */
bool Find(size_t handle, Pin *out) {
  uint64_t slot = handle & (SLOTS - 1), gen = handle >> SLOT_BITS;
  std::lock_guard<std::mutex> lock(mu);
  if (slot >= pins.size() || gen == 0 || pins[slot].gen != gen || !pins[slot].store) return false;
  *out = pins[slot];
  return true;
}

/* pin(view) -> handle, or 0 when the view cannot be pinned (empty, detached, resizable). */
napi_value PinView(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  uint8_t *data;
  size_t len;
  if (!Args(env, info, 1, argv) || !Bytes(env, argv[0], &data, &len)) return Throw(env, "pin: expected a typed array");
  napi_value out;
  double handle = 0;
  if (len > 0) {
    v8::Local<v8::Value> v = ToLocal(argv[0]);
    // Node-API calls run inside a HandleScope: Buffer() may make a handle.
    v8::Local<v8::ArrayBuffer> ab = v.As<v8::ArrayBufferView>()->Buffer();
    std::shared_ptr<v8::BackingStore> store = ab->IsSharedArrayBuffer()
        ? v8::Local<v8::Value>(ab).As<v8::SharedArrayBuffer>()->GetBackingStore()
        : ab->GetBackingStore();
    uint8_t *base = store ? static_cast<uint8_t *>(store->Data()) : nullptr;
    // The view must lie inside the store (it does; checked so that a
    // mistake here can never widen what copies may touch).
    bool inside = base != nullptr && data >= base && len <= store->ByteLength() &&
                  static_cast<size_t>(data - base) <= store->ByteLength() - len;
    if (inside && !store->IsResizableByUserJavaScript()) {
      std::lock_guard<std::mutex> lock(mu);
      uint32_t slot;
      if (!freeSlots.empty()) {
        slot = freeSlots.back();
        freeSlots.pop_back();
      } else if (pins.size() < SLOTS) {
        slot = static_cast<uint32_t>(pins.size());
        pins.emplace_back();
      } else {
        slot = UINT32_MAX;
      }
      if (slot != UINT32_MAX) {
        Pin &p = pins[slot];
        p.store = std::move(store);
        p.data = data;
        p.len = len;
        p.gen++;
        handle = static_cast<double>((p.gen << SLOT_BITS) | slot);
      }
    }
  }
  napi_create_double(env, handle, &out);
  return out;
}

/* unpin(handle) -> whether it was pinned. The memory may be freed from now on. */
napi_value Unpin(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t handle;
  if (!Args(env, info, 1, argv) || !Count(env, argv[0], &handle)) return Throw(env, "unpin: expected a handle");
  std::shared_ptr<v8::BackingStore> last;  // released after the lock: freeing may take a while
  bool found = false;
  {
    uint64_t slot = handle & (SLOTS - 1), gen = handle >> SLOT_BITS;
    std::lock_guard<std::mutex> lock(mu);
    if (slot < pins.size() && gen != 0 && pins[slot].gen == gen && pins[slot].store) {
      Pin &p = pins[slot];
      last = std::move(p.store);
      p.store.reset();
      p.data = nullptr;
      p.len = 0;
      // A slot whose generations ran out is retired: a handle never names two pins.
      if (p.gen < GEN_MAX) freeSlots.push_back(static_cast<uint32_t>(slot));
      found = true;
    }
  }
  napi_value out;
  napi_get_boolean(env, found, &out);
  return out;
}

/* copyFrom(dst, at, handle, from, n): n bytes of the pinned range from byte `from` into dst at byte `at`. */
napi_value CopyFrom(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  uint8_t *data;
  size_t len, at, handle, from, n;
  if (!Args(env, info, 5, argv)) return Throw(env, "copyFrom: expected (dst, at, handle, from, n)");
  if (!Bytes(env, argv[0], &data, &len)) return Throw(env, "copyFrom: dst must be a typed array");
  if (!Count(env, argv[1], &at) || !Count(env, argv[2], &handle) || !Count(env, argv[3], &from) || !Count(env, argv[4], &n)) {
    return Throw(env, "copyFrom: at, handle, from and n must be integers >= 0");
  }
  if (at > len || n > len - at) return Throw(env, "copyFrom: range outside dst");
  Pin p;
  if (!Find(handle, &p)) return Throw(env, "copyFrom: no such pinned buffer");
  if (from > p.len || n > p.len - from) return Throw(env, "copyFrom: range outside the pinned buffer");
  // memmove: a rank may copy from its own pinned memory.
  if (n > 0) memmove(data + at, p.data + from, n);
  return nullptr;
}

/* copyTo(handle, at, src, n): the first n bytes of src into the pinned range at byte `at`. */
napi_value CopyTo(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  uint8_t *data;
  size_t len, handle, at, n;
  if (!Args(env, info, 4, argv)) return Throw(env, "copyTo: expected (handle, at, src, n)");
  if (!Bytes(env, argv[2], &data, &len)) return Throw(env, "copyTo: src must be a typed array");
  if (!Count(env, argv[0], &handle) || !Count(env, argv[1], &at) || !Count(env, argv[3], &n)) {
    return Throw(env, "copyTo: handle, at and n must be integers >= 0");
  }
  if (n > len) return Throw(env, "copyTo: range outside src");
  Pin p;
  if (!Find(handle, &p)) return Throw(env, "copyTo: no such pinned buffer");
  if (at > p.len || n > p.len - at) return Throw(env, "copyTo: range outside the pinned buffer");
  if (n > 0) memmove(p.data + at, data, n);
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    { "yield", Yield }, { "pin", PinView }, { "unpin", Unpin }, { "copyFrom", CopyFrom }, { "copyTo", CopyTo },
  };
  for (const auto &f : fns) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &fn) != napi_ok) return nullptr;
    if (napi_set_named_property(env, exports, f.name, fn) != napi_ok) return nullptr;
  }
  return exports;
}
