// Counts malloc/calloc/realloc calls made anywhere in the process, including inside C libraries
// such as libopus (operator new counting cannot see those). Unavailable under AddressSanitizer,
// whose own allocator must not be bypassed.
#pragma once

namespace tandem::test {

bool malloc_counting_available();
long malloc_calls();

}  // namespace tandem::test
