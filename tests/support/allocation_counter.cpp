#include "support/allocation_counter.hpp"

#include <openssl/crypto.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TANDEM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TANDEM_ASAN 1
#endif

#ifdef TANDEM_ASAN
#include <sanitizer/allocator_interface.h>
#endif

namespace {

long g_cxx = 0;
long g_openssl = 0;
std::atomic<long> g_malloc{0};

void count_malloc() { g_malloc.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

#ifdef TANDEM_ASAN
namespace {
// ASan's allocator calls this for every allocation it serves (malloc, calloc, realloc, new).
void asan_malloc_hook(const volatile void*, size_t) { count_malloc(); }
void asan_free_hook(const volatile void*) {}  // ASan takes both hooks or neither
const bool g_malloc_hooked =
    __sanitizer_install_malloc_and_free_hooks(asan_malloc_hook, asan_free_hook) != 0;
}  // namespace
#else
namespace {
const bool g_malloc_hooked = true;
}  // namespace
// glibc exports its allocator under __libc_* names; defining malloc here interposes it for the
// whole process (shared libraries included), and free stays glibc's own.
extern "C" {
// NOLINTBEGIN(bugprone-reserved-identifier,readability-identifier-naming)
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t size);
// NOLINTEND(bugprone-reserved-identifier,readability-identifier-naming)

void* malloc(size_t size) {
  count_malloc();
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  count_malloc();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) {
  count_malloc();
  return __libc_realloc(p, size);
}
}
#endif

namespace {

void* openssl_malloc(size_t n, const char*, int) {
  ++g_openssl;
  return std::malloc(n);
}
void* openssl_realloc(void* p, size_t n, const char*, int) {
  ++g_openssl;
  return std::realloc(p, n);
}
void openssl_free(void* p, const char*, int) { std::free(p); }

// Must run before libcrypto allocates anything; static initialisation precedes main().
const bool g_openssl_hooked =
    CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;

void* counted(size_t n) noexcept {
  ++g_cxx;
  return std::malloc(n == 0 ? 1 : n);
}

void* counted_or_throw(size_t n) {
  if (void* p = counted(n)) {
    return p;
  }
  throw std::bad_alloc();
}

}  // namespace

namespace tandem::test {
long cxx_allocations() { return g_cxx; }
long openssl_allocations() { return g_openssl; }
bool openssl_allocations_counted() { return g_openssl_hooked; }
long malloc_calls() { return g_malloc.load(std::memory_order_relaxed); }
bool malloc_counting_available() { return g_malloc_hooked; }
}  // namespace tandem::test

void* operator new(size_t n) { return counted_or_throw(n); }
void* operator new[](size_t n) { return counted_or_throw(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
