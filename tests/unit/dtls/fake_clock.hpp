// Fake time for DTLS tests. OpenSSL 3.0 reads its DTLS retransmission timer from gettimeofday()
// with no hook (BoringSSL has SSL_CTX_set_current_time_cb; OpenSSL 3.0 does not), so this test
// binary interposes gettimeofday(): it returns the real wall clock plus everything every
// FakeClock has advanced. The offset only grows, so no SSL object ever sees time go backwards.
#pragma once

#include "common/clock.hpp"

namespace tandem::dtls::test {

class FakeClock {
 public:
  FakeClock() = default;

  TimePoint now() const noexcept { return now_; }
  // Moves the injected time and OpenSSL's view of the wall clock forward together.
  void advance(Duration duration) noexcept;
  void advance_to(TimePoint when) noexcept;

 private:
  TimePoint now_ = TimePoint{} + std::chrono::hours(1);
};

}  // namespace tandem::dtls::test
