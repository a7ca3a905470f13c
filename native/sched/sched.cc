/*
 * Three things the embedded runtime's ranks (worker threads of one process)
 * cannot do in JavaScript, or not as fast.
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
 * loads this addon directly can at worst get a RangeError. A copy holds its
 * own reference while it runs, so an unpin meanwhile cannot free the memory
 * under it, and copies of several threads never wait for each other.
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
 * Written against V8's API directly (a context-aware Node addon, loadable in
 * every worker): these calls are on the path of every large message, and a
 * Node-API call costs a few hundred nanoseconds more; Node-API has no call
 * for a backing store anyway.
 *
 * Copies and element-wise combines at memory speed (copyBytes, combine,
 * below): within the calling rank's own views, for core/bytes.ts and
 * core/reduce.ts.
 *
 * The addon is optional: without it (no compiler at install time) ranks park
 * instead of yielding and large transfers take two copies.
 */
#include <node.h>
#include <v8.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include <cmath>
#include <type_traits>
#include <memory>
#include <mutex>
#include <vector>

namespace {

using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Value;

void Yield(const FunctionCallbackInfo<Value> &) {
  sched_yield();
}

void Throw(const FunctionCallbackInfo<Value> &info, const char *msg) {
  Isolate *isolate = info.GetIsolate();
  isolate->ThrowException(v8::Exception::RangeError(v8::String::NewFromUtf8(isolate, msg).ToLocalChecked()));
}

/* The bytes of a typed array: where they start and how many (0 for a detached or out-of-bounds view). */
bool Bytes(Local<Value> v, uint8_t **data, size_t *len) {
  if (!v->IsTypedArray()) return false;
  Local<v8::TypedArray> view = v.As<v8::TypedArray>();
  *len = view->ByteLength();
  // (Buffer() moves the bytes of a small on-heap array off the heap first: they never move after.)
  *data = *len == 0 ? nullptr : static_cast<uint8_t *>(view->Buffer()->Data()) + view->ByteOffset();
  return true;
}

/* A byte count, offset or handle: an integer from 0 to 2^53 (anything else is refused). */
bool Count(Local<Value> v, size_t *out) {
  if (!v->IsNumber()) return false;
  double d = v.As<v8::Number>()->Value();
  if (!(d >= 0) || d > 9007199254740992.0 || std::floor(d) != d) return false;
  *out = static_cast<size_t>(d);
  return true;
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
void PinView(const FunctionCallbackInfo<Value> &info) {
  if (info.Length() < 1 || !info[0]->IsTypedArray()) return Throw(info, "pin: expected a typed array");
  Local<v8::TypedArray> view = info[0].As<v8::TypedArray>();
  double handle = 0;
  size_t len = view->ByteLength();
  if (len > 0) {
    Local<v8::ArrayBuffer> ab = view->Buffer();
    std::shared_ptr<v8::BackingStore> store = ab->IsSharedArrayBuffer()
        ? Local<Value>(ab).As<v8::SharedArrayBuffer>()->GetBackingStore()
        : ab->GetBackingStore();
    uint8_t *base = store ? static_cast<uint8_t *>(store->Data()) : nullptr;
    size_t offset = view->ByteOffset();
    // The view must lie inside the store (it does; checked so that a
    // mistake here can never widen what copies may touch).
    bool inside = base != nullptr && len <= store->ByteLength() && offset <= store->ByteLength() - len;
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
        p.data = base + offset;
        p.len = len;
        p.gen++;
        handle = static_cast<double>((p.gen << SLOT_BITS) | slot);
      }
    }
  }
  info.GetReturnValue().Set(handle);
}

/* unpin(handle) -> whether it was pinned. The memory may be freed from now on. */
void Unpin(const FunctionCallbackInfo<Value> &info) {
  size_t handle;
  if (info.Length() < 1 || !Count(info[0], &handle)) return Throw(info, "unpin: expected a handle");
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
  info.GetReturnValue().Set(found);
}

/* copyFrom(dst, at, handle, from, n): n bytes of the pinned range from byte `from` into dst at byte `at`. */
void CopyFrom(const FunctionCallbackInfo<Value> &info) {
  uint8_t *data;
  size_t len, at, handle, from, n;
  if (info.Length() < 5) return Throw(info, "copyFrom: expected (dst, at, handle, from, n)");
  if (!Bytes(info[0], &data, &len)) return Throw(info, "copyFrom: dst must be a typed array");
  if (!Count(info[1], &at) || !Count(info[2], &handle) || !Count(info[3], &from) || !Count(info[4], &n)) {
    return Throw(info, "copyFrom: at, handle, from and n must be integers >= 0");
  }
  if (at > len || n > len - at) return Throw(info, "copyFrom: range outside dst");
  Pin p;
  if (!Find(handle, &p)) return Throw(info, "copyFrom: no such pinned buffer");
  if (from > p.len || n > p.len - from) return Throw(info, "copyFrom: range outside the pinned buffer");
  // memmove: a rank may copy from its own pinned memory.
  if (n > 0) memmove(data + at, p.data + from, n);
}

/* copyTo(handle, at, src, n): the first n bytes of src into the pinned range at byte `at`. */
void CopyTo(const FunctionCallbackInfo<Value> &info) {
  uint8_t *data;
  size_t len, handle, at, n;
  if (info.Length() < 4) return Throw(info, "copyTo: expected (handle, at, src, n)");
  if (!Bytes(info[2], &data, &len)) return Throw(info, "copyTo: src must be a typed array");
  if (!Count(info[0], &handle) || !Count(info[1], &at) || !Count(info[3], &n)) {
    return Throw(info, "copyTo: handle, at and n must be integers >= 0");
  }
  if (n > len) return Throw(info, "copyTo: range outside src");
  Pin p;
  if (!Find(handle, &p)) return Throw(info, "copyTo: no such pinned buffer");
  if (at > p.len || n > p.len - at) return Throw(info, "copyTo: range outside the pinned buffer");
  if (n > 0) memmove(p.data + at, data, n);
}

/* ---- copies and element-wise combines within the calling rank's memory ---- */

/*
 * Both take typed arrays the calling thread holds (its own buffers, or views
 * of shared memory it maps): no pin, no handle. V8 moves bytes to and from
 * SharedArrayBuffer memory with relaxed atomic moves, a sixth slower than
 * memmove for 1 MiB, and its element-wise JavaScript loops run at about a
 * quarter of memory speed; these are the large cases' fast paths
 * (core/bytes.ts copyBytes, core/reduce.ts kernels). Every range is checked
 * against the views' current byte lengths, so a wrong call is a RangeError.
 */

/* copyBytes(dst, at, src, from, n): n bytes of src from byte `from` into dst at byte `at` (memmove: overlap allowed). */
void CopyBytes(const FunctionCallbackInfo<Value> &info) {
  uint8_t *d, *s;
  size_t dlen, slen, at, from, n;
  if (info.Length() < 5 || !Bytes(info[0], &d, &dlen) || !Bytes(info[2], &s, &slen)) {
    return Throw(info, "copyBytes: expected (dst, at, src, from, n) with typed arrays");
  }
  if (!Count(info[1], &at) || !Count(info[3], &from) || !Count(info[4], &n)) {
    return Throw(info, "copyBytes: at, from and n must be integers >= 0");
  }
  if (at > dlen || n > dlen - at) return Throw(info, "copyBytes: range outside dst");
  if (from > slen || n > slen - from) return Throw(info, "copyBytes: range outside src");
  if (n > 0) memmove(d + at, s + from, n);
}

/* The operations and element kinds of combine, numbered as core/reduce.ts numbers them (NATIVE_OPS, NATIVE_KINDS). */
enum Op { SUM, PROD, MAX, MIN, LAND, LOR, LXOR, BAND, BOR, BXOR, OP_COUNT };
enum Kind { I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, KIND_COUNT };

/*
 * d[i] = a[i] op b[i] for i < n, as the JavaScript kernels compute it:
 * integers wrap (the arithmetic is done unsigned, `W`), the logical
 * operations give 1 or 0, MAX and MIN are `x > y ? x : y` and `x < y ? x :
 * y` (a NaN operand gives y, as in JavaScript). Floats take no bitwise or
 * logical operation (the caller never asks; refused here too).
 */
template <typename T, typename W>
bool Combine(int op, T *d, const T *a, const T *b, size_t n) {
  switch (op) {
    case SUM: for (size_t i = 0; i < n; i++) d[i] = static_cast<T>(static_cast<W>(a[i]) + static_cast<W>(b[i])); return true;
    case PROD: for (size_t i = 0; i < n; i++) d[i] = static_cast<T>(static_cast<W>(a[i]) * static_cast<W>(b[i])); return true;
    case MAX: for (size_t i = 0; i < n; i++) { T x = a[i], y = b[i]; d[i] = x > y ? x : y; } return true;
    case MIN: for (size_t i = 0; i < n; i++) { T x = a[i], y = b[i]; d[i] = x < y ? x : y; } return true;
    default: break;
  }
  if constexpr (std::is_floating_point<T>::value) {
    return false;
  } else {
    switch (op) {
      case LAND: for (size_t i = 0; i < n; i++) d[i] = (a[i] != 0 && b[i] != 0) ? 1 : 0; return true;
      case LOR: for (size_t i = 0; i < n; i++) d[i] = (a[i] != 0 || b[i] != 0) ? 1 : 0; return true;
      case LXOR: for (size_t i = 0; i < n; i++) d[i] = ((a[i] != 0) != (b[i] != 0)) ? 1 : 0; return true;
      case BAND: for (size_t i = 0; i < n; i++) d[i] = a[i] & b[i]; return true;
      case BOR: for (size_t i = 0; i < n; i++) d[i] = a[i] | b[i]; return true;
      case BXOR: for (size_t i = 0; i < n; i++) d[i] = a[i] ^ b[i]; return true;
      default: return false;
    }
  }
}

/* Its own function for each type (noinline): inlined into CombineViews, GCC 12 left the loops scalar. */
template <typename T, typename W>
[[gnu::noinline]] bool CombineBytes(int op, uint8_t *d, uint8_t *a, uint8_t *b, size_t n) {
  /* Element-aligned only: the loops read and write whole elements. */
  if ((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(a) | reinterpret_cast<uintptr_t>(b)) % alignof(T) != 0) return false;
  return Combine<T, W>(op, reinterpret_cast<T *>(d), reinterpret_cast<const T *>(a), reinterpret_cast<const T *>(b), n);
}

/*
 * combine(op, kind, d, a, b, n) -> true when done, false when declined (an
 * operation the kind does not take, or memory not aligned to the element):
 * the caller then runs its JavaScript kernel. d may be a or b.
 */
void CombineViews(const FunctionCallbackInfo<Value> &info) {
  static const size_t SIZE[KIND_COUNT] = { 1, 1, 2, 2, 4, 4, 8, 8, 4, 8 };
  size_t op, kind, n, dlen, alen, blen;
  uint8_t *d, *a, *b;
  if (info.Length() < 6 || !Count(info[0], &op) || !Count(info[1], &kind) || op >= OP_COUNT || kind >= KIND_COUNT) {
    return Throw(info, "combine: expected (op, kind, d, a, b, n) with a known op and kind");
  }
  if (!Bytes(info[2], &d, &dlen) || !Bytes(info[3], &a, &alen) || !Bytes(info[4], &b, &blen) || !Count(info[5], &n)) {
    return Throw(info, "combine: d, a and b must be typed arrays and n an integer >= 0");
  }
  const size_t size = SIZE[kind];
  if (n > dlen / size || n > alen / size || n > blen / size) return Throw(info, "combine: n elements reach outside d, a or b");
  bool done = true;
  if (n > 0) {
    const int o = static_cast<int>(op);
    switch (kind) {
      case I8: done = CombineBytes<int8_t, uint8_t>(o, d, a, b, n); break;
      case U8: done = CombineBytes<uint8_t, uint8_t>(o, d, a, b, n); break;
      case I16: done = CombineBytes<int16_t, uint16_t>(o, d, a, b, n); break;
      case U16: done = CombineBytes<uint16_t, uint16_t>(o, d, a, b, n); break;
      case I32: done = CombineBytes<int32_t, uint32_t>(o, d, a, b, n); break;
      case U32: done = CombineBytes<uint32_t, uint32_t>(o, d, a, b, n); break;
      case I64: done = CombineBytes<int64_t, uint64_t>(o, d, a, b, n); break;
      case U64: done = CombineBytes<uint64_t, uint64_t>(o, d, a, b, n); break;
      case F32: done = CombineBytes<float, float>(o, d, a, b, n); break;
      default: done = CombineBytes<double, double>(o, d, a, b, n); break;
    }
  }
  info.GetReturnValue().Set(done);
}

}  // namespace

// Context-aware: every worker thread loads it into its own isolate.
NODE_MODULE_INIT(/* exports, module, context */) {
  Isolate *isolate = context->GetIsolate();
  static const struct { const char *name; v8::FunctionCallback fn; } fns[] = {
    { "yield", Yield }, { "pin", PinView }, { "unpin", Unpin }, { "copyFrom", CopyFrom }, { "copyTo", CopyTo },
    { "copyBytes", CopyBytes }, { "combine", CombineViews },
  };
  for (const auto &f : fns) {
    Local<v8::Function> fn = v8::FunctionTemplate::New(isolate, f.fn)->GetFunction(context).ToLocalChecked();
    exports->Set(context, v8::String::NewFromUtf8(isolate, f.name).ToLocalChecked(), fn).Check();
  }
}
