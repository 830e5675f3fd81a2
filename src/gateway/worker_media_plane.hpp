// MediaPlane over the media workers: each call's bridge is placed on the least-loaded worker
// (round-robin among equals), every worker answer is posted back to the signaling executor, and
// BridgeMode is handed to the worker as media::BridgeParams (media does not know the gateway).
// Signaling-thread only, like every MediaPlane.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "gateway/media_plane.hpp"
#include "media/media_worker.hpp"
#include "media/session_params.hpp"

namespace tandem::gateway {

// The worker-side parameters of a negotiated mode.
media::BridgeParams to_bridge_params(const BridgeMode& mode);

class WorkerMediaPlane final : public MediaPlane {
 public:
  // `workers` must outlive the plane (started or not); `signaling` runs every callback.
  WorkerMediaPlane(std::vector<media::MediaWorker*> workers,
                   boost::asio::any_io_executor signaling);
  ~WorkerMediaPlane() override;
  WorkerMediaPlane(const WorkerMediaPlane&) = delete;
  WorkerMediaPlane& operator=(const WorkerMediaPlane&) = delete;

  void allocate(Allocated done) override;
  void configure(MediaId id, const BridgeMode& mode, Configured done) override;
  bool send_dtmf(MediaId id, char digit, std::chrono::milliseconds duration) override;
  void release(MediaId id) override;
  void set_ended_handler(EndedHandler handler) override;

  size_t calls() const noexcept { return calls_.size(); }

 private:
  struct Call {
    media::MediaWorker* worker = nullptr;
    media::SessionId session = 0;
    std::optional<uint8_t> pbx_dtmf_pt;  // of the last configure
  };
  // Callbacks posted back check this so that a plane destroyed meanwhile is not touched.
  struct Alive {
    WorkerMediaPlane* plane;
  };

  size_t pick_worker() noexcept;
  void on_ended(size_t worker, media::SessionId session, const std::string& reason);
  static MediaId media_id(size_t worker, media::SessionId session) noexcept {
    return (static_cast<MediaId>(worker + 1) << 32) | session;
  }

  std::vector<media::MediaWorker*> workers_;
  boost::asio::any_io_executor signaling_;
  std::unordered_map<MediaId, Call> calls_;
  EndedHandler ended_;
  size_t next_ = 0;
  std::shared_ptr<Alive> alive_;
};

}  // namespace tandem::gateway
