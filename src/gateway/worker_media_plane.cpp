#include "gateway/worker_media_plane.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "rtp/telephone_event.hpp"

namespace tandem::gateway {

namespace asio = boost::asio;

namespace {

bool may_send(sdp::Direction d) noexcept {
  return d == sdp::Direction::kSendRecv || d == sdp::Direction::kSendOnly;
}

// RFC 8445 §5.1.2.1 host candidate priority: type preference 126, our order as local preference.
uint32_t host_priority(uint32_t rank) noexcept {
  return (126u << 24) | ((65535u - rank) << 8) | 255u;
}

std::string address_text(const ice::Endpoint& e) {
  const std::string text = e.to_string();  // "1.2.3.4:5" or "[::1]:5"
  if (e.is_ipv4()) return text.substr(0, text.rfind(':'));
  return text.substr(1, text.rfind(']') - 1);
}

BrowserTransport browser_transport(const media::BridgeInfo& info) {
  BrowserTransport t;
  t.ufrag = info.local_ufrag;
  t.pwd = info.local_pwd;
  t.fingerprint_sha256 = info.fingerprint_sha256;
  for (uint32_t rank = 0; rank < info.candidates.size(); ++rank) {
    const ice::Endpoint& e = info.candidates[rank];
    sdp::Candidate c;
    c.foundation = std::to_string(rank + 1);
    c.transport = "udp";
    c.priority = host_priority(rank);
    c.address = address_text(e);
    c.port = e.port();
    t.candidates.push_back(std::move(c));
  }
  if (!info.candidates.empty()) {
    t.address = address_text(info.candidates.front());
    t.address_type = info.candidates.front().is_ipv4() ? "IP4" : "IP6";
    t.port = info.candidates.front().port();
  }
  return t;
}

}  // namespace

media::BridgeParams to_bridge_params(const BridgeMode& mode) {
  media::BridgeParams p;
  switch (mode.pbx_codec) {
    case PbxCodec::kOpus:
      p.pbx_codec = media::BridgeCodec::kOpus;
      break;
    case PbxCodec::kPcmu:
      p.pbx_codec = media::BridgeCodec::kPcmu;
      break;
    case PbxCodec::kPcma:
      p.pbx_codec = media::BridgeCodec::kPcma;
      break;
  }
  p.browser_pt = mode.browser_pt;
  p.pbx_pt = mode.pbx_pt;
  p.browser_dtmf_pt = mode.browser_dtmf_pt;
  p.pbx_dtmf_pt = mode.pbx_dtmf_pt;
  p.browser_dtmf_clock_rate = mode.browser_dtmf_clock_rate;
  p.pbx_dtmf_clock_rate = mode.pbx_dtmf_clock_rate;
  p.browser_send = may_send(mode.browser_direction);
  p.pbx_send = may_send(mode.pbx_direction);
  p.pbx_address = mode.pbx_address;
  p.pbx_port = mode.pbx_port;
  p.remote_ufrag = mode.remote_ufrag;
  p.remote_pwd = mode.remote_pwd;
  p.remote_fingerprint_alg = mode.remote_fingerprint_alg;
  p.remote_fingerprint = mode.remote_fingerprint;
  p.dtls_client = mode.local_setup == sdp::Setup::kActive;
  return p;
}

WorkerMediaPlane::WorkerMediaPlane(std::vector<media::MediaWorker*> workers,
                                   asio::any_io_executor signaling)
    : workers_(std::move(workers)),
      signaling_(std::move(signaling)),
      alive_(std::make_shared<Alive>(Alive{this})) {
  for (size_t i = 0; i < workers_.size(); ++i) {
    std::weak_ptr<Alive> alive = alive_;
    workers_[i]->set_ended_handler(signaling_,
                                   [alive, i](media::SessionId session, const std::string& reason) {
                                     if (auto a = alive.lock())
                                       a->plane->on_ended(i, session, reason);
                                   });
  }
}

WorkerMediaPlane::~WorkerMediaPlane() {
  for (media::MediaWorker* worker : workers_) worker->set_ended_handler(signaling_, nullptr);
}

size_t WorkerMediaPlane::pick_worker() noexcept {
  // Least loaded; among equals, the one after the last pick (round-robin).
  size_t best = next_ % workers_.size();
  for (size_t k = 1; k < workers_.size(); ++k) {
    const size_t i = (next_ + k) % workers_.size();
    if (workers_[i]->bridge_count() < workers_[best]->bridge_count()) best = i;
  }
  next_ = best + 1;
  return best;
}

void WorkerMediaPlane::allocate(Allocated done) {
  if (workers_.empty()) {
    asio::post(signaling_, [done = std::move(done)] { done(Error{"media: no media workers"}); });
    return;
  }
  const size_t w = pick_worker();
  std::weak_ptr<Alive> alive = alive_;
  workers_[w]->allocate_bridge(
      signaling_, [alive, w, done = std::move(done)](Result<media::BridgeInfo> info) {
        auto a = alive.lock();
        if (!a) return;
        if (!info) {
          done(info.error());
          return;
        }
        WorkerMediaPlane& self = *a->plane;
        MediaAllocation allocation;
        allocation.id = media_id(w, info->id);
        allocation.browser = browser_transport(*info);
        allocation.pbx.address = info->pbx_address;
        allocation.pbx.address_type =
            info->pbx_address.find(':') == std::string::npos ? "IP4" : "IP6";
        allocation.pbx.port = info->pbx_port;
        self.calls_[allocation.id] = Call{self.workers_[w], info->id, std::nullopt};
        done(std::move(allocation));
      });
}

void WorkerMediaPlane::configure(MediaId id, const BridgeMode& mode, Configured done) {
  const auto it = calls_.find(id);
  if (it == calls_.end()) {
    asio::post(signaling_, [done = std::move(done), id] {
      done(Error{"media: unknown media id " + std::to_string(id)});
    });
    return;
  }
  it->second.pbx_dtmf_pt = mode.pbx_dtmf_pt;
  std::weak_ptr<Alive> alive = alive_;
  it->second.worker->configure_bridge(it->second.session, to_bridge_params(mode), signaling_,
                                      [alive, done = std::move(done)](Status status) {
                                        if (alive.lock()) done(std::move(status));
                                      });
}

bool WorkerMediaPlane::send_dtmf(MediaId id, char digit, std::chrono::milliseconds duration) {
  const auto it = calls_.find(id);
  if (it == calls_.end() || !it->second.pbx_dtmf_pt || !rtp::dtmf_event(digit)) return false;
  it->second.worker->send_dtmf(it->second.session, digit, duration);
  return true;
}

void WorkerMediaPlane::release(MediaId id) {
  const auto it = calls_.find(id);
  if (it == calls_.end()) return;
  it->second.worker->release_bridge(it->second.session);
  calls_.erase(it);
}

void WorkerMediaPlane::set_ended_handler(EndedHandler handler) { ended_ = std::move(handler); }

void WorkerMediaPlane::on_ended(size_t worker, media::SessionId session,
                                const std::string& reason) {
  const MediaId id = media_id(worker, session);
  if (calls_.erase(id) == 0) return;  // released meanwhile
  if (ended_) ended_(MediaEnded{id, reason});
}

}  // namespace tandem::gateway
