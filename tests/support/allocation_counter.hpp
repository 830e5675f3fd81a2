// Counts heap allocations for the "no allocation on the packet path" tests. Linking
// allocation_counter.cpp into a test binary replaces its global operator new/delete, hooks
// OpenSSL's allocator and counts every malloc/calloc/realloc in the process (C libraries such as
// libopus included, which operator new counting cannot see).
#pragma once

namespace tandem::test {

// Calls to any operator new since the program started.
long cxx_allocations();
// Allocations inside OpenSSL, through CRYPTO_set_mem_functions.
long openssl_allocations();
// False when OpenSSL had allocated before the hook could be installed (then nothing is counted).
bool openssl_allocations_counted();

// malloc/calloc/realloc calls anywhere in the process (operator new's and OpenSSL's included):
// by interposing glibc's malloc, or under AddressSanitizer (whose allocator must not be
// bypassed) by its allocation hook.
long malloc_calls();
// False when neither way is available (then malloc_calls() stays 0).
bool malloc_counting_available();

}  // namespace tandem::test
