#include "media/gso_plan.hpp"

namespace tandem::media {
namespace {

bool seen_before(std::span<const TxDatagram> batch, size_t i) noexcept {
  for (size_t j = 0; j < i; ++j) {
    if (batch[j].destination == batch[i].destination) return true;
  }
  return false;
}

// Cuts the datagrams of one destination (order[begin, end), in queue order) into runs.
class RunBuilder {
 public:
  RunBuilder(std::span<const TxDatagram> batch, const GsoLimits& limits,
             std::span<const uint16_t> order, std::span<TxSend> sends, size_t& n_sends) noexcept
      : batch_(batch), limits_(limits), order_(order), sends_(sends), n_sends_(n_sends) {}

  void add(size_t pos) noexcept {
    const size_t size = batch_[order_[pos]].size;
    if (open_ && fits(size)) {
      ++run_.count;
      bytes_ += size;
      closed_ = size < run_.segment_size;  // a shorter datagram can only be the last segment
      return;
    }
    finish();
    run_ = TxSend{static_cast<uint16_t>(pos), 1, static_cast<uint16_t>(size)};
    bytes_ = size;
    open_ = true;
    closed_ = false;
  }

  void finish() noexcept {
    if (!open_) return;
    if (run_.count == 1) run_.segment_size = 0;
    sends_[n_sends_++] = run_;
    open_ = false;
  }

 private:
  bool fits(size_t size) const noexcept {
    return !closed_ && size > 0 && size <= run_.segment_size && run_.count < limits_.max_segments &&
           bytes_ + size <= limits_.max_bytes;
  }

  std::span<const TxDatagram> batch_;
  const GsoLimits& limits_;
  std::span<const uint16_t> order_;
  std::span<TxSend> sends_;
  size_t& n_sends_;
  TxSend run_{};
  size_t bytes_ = 0;
  bool open_ = false;
  bool closed_ = false;
};

}  // namespace

size_t plan_gso_sends(std::span<const TxDatagram> batch, const GsoLimits& limits,
                      std::span<uint16_t> order, std::span<TxSend> sends) noexcept {
  if (order.size() < batch.size() || sends.size() < batch.size() || batch.size() > 0xFFFF) {
    return 0;
  }
  size_t n_order = 0;
  size_t n_sends = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (seen_before(batch, i)) continue;  // its destination was grouped already
    RunBuilder runs(batch, limits, order, sends, n_sends);
    for (size_t j = i; j < batch.size(); ++j) {
      if (batch[j].destination != batch[i].destination) continue;
      order[n_order] = static_cast<uint16_t>(j);
      runs.add(n_order++);
    }
    runs.finish();
  }
  return n_sends;
}

}  // namespace tandem::media
