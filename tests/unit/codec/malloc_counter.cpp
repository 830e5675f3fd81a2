#include "malloc_counter.hpp"

#include <atomic>
#include <cstddef>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TANDEM_NO_MALLOC_HOOK 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TANDEM_NO_MALLOC_HOOK 1
#endif

namespace {
std::atomic<long> g_calls{0};
}

#ifndef TANDEM_NO_MALLOC_HOOK
// glibc exports its allocator under __libc_* names; defining malloc here interposes it for the
// whole process (shared libraries included), and free stays glibc's own.
extern "C" {
void* __libc_malloc(size_t size);            // NOLINT(bugprone-reserved-identifier)
void* __libc_calloc(size_t n, size_t size);  // NOLINT(bugprone-reserved-identifier)
void* __libc_realloc(void* p, size_t size);  // NOLINT(bugprone-reserved-identifier)

void* malloc(size_t size) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) {
  g_calls.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, size);
}
}
#endif

namespace tandem::test {

bool malloc_counting_available() {
#ifdef TANDEM_NO_MALLOC_HOOK
  return false;
#else
  return true;
#endif
}

long malloc_calls() { return g_calls.load(std::memory_order_relaxed); }

}  // namespace tandem::test
