// Counts heap allocations for the "no allocation on the packet path" tests. Linking
// allocation_counter.cpp into a test binary replaces its global operator new/delete and hooks
// OpenSSL's allocator, so C++ and libcrypto allocations are counted separately.
#pragma once

namespace tandem::test {

// Calls to any operator new since the program started.
long cxx_allocations();
// Allocations inside OpenSSL, through CRYPTO_set_mem_functions.
long openssl_allocations();
// False when OpenSSL had allocated before the hook could be installed (then nothing is counted).
bool openssl_allocations_counted();

}  // namespace tandem::test
