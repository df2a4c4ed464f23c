// Interrupts JavaScript that keeps the main thread busy, for the kernel's Interrupt.
//
// Node only notices SIGINT when its event loop turns, and vm's breakOnSigint only covers the synchronous part
// of a cell. A busy loop after an `await` runs in a microtask or a timer: nothing in Node can stop it. This
// addon does what V8's inspector does for Runtime.terminateExecution: from another thread it asks V8 for an
// interrupt; on the main thread, inside the busy JavaScript, it terminates execution and cancels the
// termination as soon as the outermost call returns, so the process, its globals and its event loop survive.
//
// It also runs the synchronous part of a cell (runGuarded): vm's breakOnSigint swaps SIGINT handlers around
// every run, and a signal that lands while it swaps back is lost for the kernel and left pending in Node's
// watchdog, which then terminates some later cell. Here the handlers never change: an interrupt that reaches a
// guarded call terminates it, and the termination is cancelled at the call's C++ boundary, as Node's own
// breakOnSigint does, so the kernel's code below it carries on.
//
// SIGINT reaches it through a chained signal handler (it posts a semaphore, then calls the handler it
// replaced, libuv's, so process.on("SIGINT") still fires); a watcher thread turns the semaphore into
// RequestInterrupt, which is safe from any thread. The interrupt only terminates when the kernel says a cell
// is running (a shared Int32Array) and the busy code was called from a cell's own code by Node itself (a
// timer, a microtask, an event): never when the kernel's own code sits below the cell on the stack, because
// terminating there would unwind the kernel's bookkeeping too.
//
// It also gives the kernel releaseMemory() (kernel/memory.ts), which needs V8's C++ API as well.
#include <node.h>
#include <v8.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cstring>
#include <memory>
#include <pthread.h>
#include <semaphore.h>
#include <string>

namespace {

using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Value;

// Slots of the shared Int32Array (kept in step with kernel/interrupt.ts).
constexpr int kCellRunning = 0;  // 1 while a cell executes, set by the kernel
constexpr int kTerminated = 1;   // how many times this addon terminated a busy cell
constexpr int kRequests = 2;     // how many interrupt requests reached the main thread
constexpr int kSerial = 4;       // the running cell's serial number (0 between cells), set by the kernel
constexpr int kSignalled = 5;    // the serial that was running when the last SIGINT arrived
constexpr int kSlots = 6;

Isolate* main_isolate = nullptr;
// Keeps the shared memory alive; leaked on purpose, like the handles below.
std::shared_ptr<v8::BackingStore>* shared_store = new std::shared_ptr<v8::BackingStore>();
std::atomic<int32_t>* shared_slots = nullptr;
std::string cell_prefix;
// Node's clearAsyncIdStack and the main context it runs in: see StopTerminating.
// Heap-allocated and never freed: a static v8::Global would be destroyed after V8 at exit.
v8::Global<v8::Function>* clear_async_ids = new v8::Global<v8::Function>();
v8::Global<v8::Context>* main_context = new v8::Global<v8::Context>();
bool terminating = false;
// Nesting depth of runGuarded calls, and whether an interrupt terminated the innermost one.
int guarded_depth = 0;
bool guarded_terminated = false;

sem_t sigint_sem;
std::atomic<bool> watcher_started{false};
struct sigaction next_action;  // the handler ours replaced (libuv's), called after ours

void OnCallCompleted(Isolate* isolate);
void OnMicrotasksCompleted(Isolate* isolate, void*);

// Runs on the main thread once the terminated call has unwound to Node's C++.
void StopTerminating(Isolate* isolate) {
  isolate->RemoveCallCompletedCallback(OnCallCompleted);
  isolate->RemoveMicrotasksCompletedCallback(OnMicrotasksCompleted, nullptr);
  if (!terminating) return;
  terminating = false;
  if (isolate->IsExecutionTerminating()) isolate->CancelTerminateExecution();
  // Termination skips `finally` blocks, so the async context a timer pushed (emitBefore) is never popped, and
  // Node would abort with "async hook stack has become corrupted" when its callback scope closes. Node clears
  // the stack the same way after an uncaught exception that a handler caught (its scopes accept an empty stack).
  if (!clear_async_ids->IsEmpty()) {
    v8::HandleScope scope(isolate);
    Local<v8::Context> context = main_context->Get(isolate);
    v8::Context::Scope in_context(context);
    v8::TryCatch ignore(isolate);
    v8::MaybeLocal<Value> ignored = clear_async_ids->Get(isolate)->Call(context, v8::Undefined(isolate), 0, nullptr);
    (void)ignored;
  }
}

void OnCallCompleted(Isolate* isolate) { StopTerminating(isolate); }
void OnMicrotasksCompleted(Isolate* isolate, void*) { StopTerminating(isolate); }

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// True when the outermost frame of cell code was called by Node itself (its internals, or no JavaScript at all).
bool BusyInCellCallback(Isolate* isolate) {
  v8::HandleScope scope(isolate);
  Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(isolate, 100000, v8::StackTrace::kScriptName);
  int n = trace->GetFrameCount();
  for (int i = n - 1; i >= 0; i--) {
    Local<v8::String> name = trace->GetFrame(isolate, i)->GetScriptName();
    std::string script;
    if (!name.IsEmpty()) {
      v8::String::Utf8Value utf8(isolate, name);
      if (*utf8 != nullptr) script = *utf8;
    }
    if (StartsWith(script, cell_prefix.c_str())) return true;
    if (!script.empty() && !StartsWith(script, "node:")) return false;
  }
  return false;
}

void OnInterrupt(Isolate* isolate, void*) {
  if (shared_slots == nullptr) return;
  shared_slots[kRequests].fetch_add(1);
  if (shared_slots[kCellRunning].load() == 0 || isolate->IsExecutionTerminating()) return;
  // A signal meant for a cell that has since ended (its V8 interrupt ran late) stops nothing.
  if (shared_slots[kSignalled].load() != shared_slots[kSerial].load()) return;
  if (guarded_depth > 0) {
    // Inside a cell's synchronous part: runGuarded cancels the termination where it called the cell.
    shared_slots[kTerminated].fetch_add(1);
    guarded_terminated = true;
    isolate->TerminateExecution();
    return;
  }
  if (!BusyInCellCallback(isolate)) return;
  shared_slots[kTerminated].fetch_add(1);
  terminating = true;
  isolate->AddCallCompletedCallback(OnCallCompleted);
  isolate->AddMicrotasksCompletedCallback(OnMicrotasksCompleted, nullptr);
  isolate->TerminateExecution();
}

// Safe from any thread (V8 documents RequestInterrupt as such); here it runs on the SIGINT watcher.
void RequestMainInterrupt() {
  if (main_isolate != nullptr) main_isolate->RequestInterrupt(OnInterrupt, nullptr);
}

void* WatchSigint(void*) {
  for (;;) {
    while (sem_wait(&sigint_sem) != 0 && errno == EINTR) {
    }
    RequestMainInterrupt();
  }
  return nullptr;
}

// Async-signal-safe: sem_post, then whatever handled SIGINT before us.
void OnSigint(int sig, siginfo_t* info, void* ucontext) {
  int saved = errno;
  // Lock-free atomics are async-signal-safe: remember which cell this signal is for.
  if (shared_slots != nullptr) shared_slots[kSignalled].store(shared_slots[kSerial].load());
  sem_post(&sigint_sem);
  errno = saved;
  if (next_action.sa_flags & SA_SIGINFO) {
    if (next_action.sa_sigaction != nullptr) next_action.sa_sigaction(sig, info, ucontext);
  } else if (next_action.sa_handler != SIG_DFL && next_action.sa_handler != SIG_IGN && next_action.sa_handler != nullptr) {
    next_action.sa_handler(sig);
  }
  // SIG_DFL would kill the kernel with every variable: an interrupt must never do that, so it is not chained.
}

void Throw(Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::Error(v8::String::NewFromUtf8(isolate, message).ToLocalChecked()));
}

// arm(shared: SharedArrayBuffer of >= 6 int32, cellPrefix: string, clearAsyncIdStack?: function):
// called once, on the main thread.
void Arm(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (args.Length() < 2 || !args[0]->IsSharedArrayBuffer() || !args[1]->IsString()) {
    return Throw(isolate, "arm(shared, cellPrefix): shared must be a SharedArrayBuffer and cellPrefix a string");
  }
  if (args.Length() > 2 && args[2]->IsFunction()) clear_async_ids->Reset(isolate, args[2].As<v8::Function>());
  main_context->Reset(isolate, isolate->GetCurrentContext());
  auto store = args[0].As<v8::SharedArrayBuffer>()->GetBackingStore();
  if (store->ByteLength() < kSlots * sizeof(int32_t)) return Throw(isolate, "arm(shared, cellPrefix): shared must hold at least 6 int32 slots");
  v8::String::Utf8Value prefix(isolate, args[1]);
  cell_prefix = *prefix;
  *shared_store = store;
  shared_slots = static_cast<std::atomic<int32_t>*>(store->Data());
  main_isolate = isolate;
  if (!watcher_started.exchange(true)) {
    sem_init(&sigint_sem, 0, 0);
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);  // the watcher inherits a mask that keeps signals off it
    pthread_t thread;
    int rc = pthread_create(&thread, nullptr, WatchSigint, nullptr);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    if (rc != 0) return Throw(isolate, "arm: could not start the SIGINT watcher thread");
    pthread_detach(thread);
  }
}

// chainSigint(): puts our SIGINT handler in front of the current one, unless it is already there.
// Returns true when it (re)installed. The kernel calls it again whenever Node may have replaced the handler
// (vm's breakOnSigint swaps SIGINT handlers around each synchronous run).
void ChainSigint(const FunctionCallbackInfo<Value>& args) {
  struct sigaction current;
  sigaction(SIGINT, nullptr, &current);
  bool ours = (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == OnSigint;
  if (!ours) {
    next_action = current;
    struct sigaction mine;
    memset(&mine, 0, sizeof mine);
    mine.sa_sigaction = OnSigint;
    mine.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&mine.sa_mask);
    sigaction(SIGINT, &mine, nullptr);
  }
  args.GetReturnValue().Set(!ours);
}

// runGuarded(fn): calls fn() on the main thread; an interrupt meanwhile terminates it, and then runGuarded
// throws an Error with code ERR_SCRIPT_EXECUTION_INTERRUPTED (Node's code for breakOnSigint) instead.
void RunGuarded(const FunctionCallbackInfo<Value>& args) {
  Isolate* isolate = args.GetIsolate();
  if (args.Length() < 1 || !args[0]->IsFunction()) return Throw(isolate, "runGuarded(fn): fn must be a function");
  Local<v8::Context> context = isolate->GetCurrentContext();
  v8::TryCatch try_catch(isolate);
  guarded_depth++;
  v8::MaybeLocal<Value> result = args[0].As<v8::Function>()->Call(context, v8::Undefined(isolate), 0, nullptr);
  guarded_depth--;
  bool interrupted = guarded_terminated;
  guarded_terminated = false;
  // Also when the call returned before the termination took effect: it must not reach the kernel's code.
  if (interrupted) isolate->CancelTerminateExecution();
  if (!result.IsEmpty()) return args.GetReturnValue().Set(result.ToLocalChecked());
  if (!interrupted) {
    // The cell's own exception is rethrown; someone else's termination (a worker's shutdown) goes on by itself.
    if (!try_catch.HasTerminated()) try_catch.ReThrow();
    return;
  }
  Local<v8::String> message = v8::String::NewFromUtf8Literal(isolate, "Script execution was interrupted by `SIGINT`");
  Local<v8::Object> error = v8::Exception::Error(message).As<v8::Object>();
  (void)error->Set(context, v8::String::NewFromUtf8Literal(isolate, "code"), v8::String::NewFromUtf8Literal(isolate, "ERR_SCRIPT_EXECUTION_INTERRUPTED"));
  isolate->ThrowException(error);
  try_catch.ReThrow();  // out of this TryCatch, to the caller
}

// releaseMemory(): on the calling thread's isolate, V8's low-memory path: full collections, then the freed
// pages (old space, the grown young generation) go back to the system. A kernel runs it when idle.
// glibc keeps freed blocks (V8's compiler zones peak at 100+ MB while TypeScript is optimised) in its arenas:
// malloc_trim hands them back too.
void ReleaseMemory(const FunctionCallbackInfo<Value>& args) {
  args.GetIsolate()->LowMemoryNotification();
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

// Context-aware, so the type-service worker can load it too (for releaseMemory on its own isolate).
NODE_MODULE_INIT() {
  NODE_SET_METHOD(exports, "arm", Arm);
  NODE_SET_METHOD(exports, "chainSigint", ChainSigint);
  NODE_SET_METHOD(exports, "runGuarded", RunGuarded);
  NODE_SET_METHOD(exports, "releaseMemory", ReleaseMemory);
}
