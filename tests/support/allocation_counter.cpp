#include "support/allocation_counter.hpp"

#include <openssl/crypto.h>

#include <cstdlib>
#include <new>

namespace {

long g_cxx = 0;
long g_openssl = 0;

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
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}

}  // namespace

namespace tandem::test {
long cxx_allocations() { return g_cxx; }
long openssl_allocations() { return g_openssl; }
bool openssl_allocations_counted() { return g_openssl_hooked; }
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
