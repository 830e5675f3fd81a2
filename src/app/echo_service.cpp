#include "app/echo_service.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "media/echo_sdp.hpp"
#include "sdp/parser.hpp"
#include "sdp/serializer.hpp"

namespace tandem::app {

namespace {

namespace asio = boost::asio;
using http::HttpRequest;
using http::HttpResponse;
using http::Reply;
using nlohmann::json;

HttpResponse json_error(unsigned status, const std::string& message) {
  return HttpResponse::json(status, json{{"error", message}}.dump());
}

json stats_json(const media::SessionStats& s) {
  json streams = json::array();
  for (const media::StreamStats& st : s.streams) {
    json j = {{"mid", st.mid},
              {"kind", st.kind == media::MediaKind::kAudio ? "audio" : "video"},
              {"remote_ssrc", st.remote_ssrc},
              {"local_ssrc", st.local_ssrc},
              {"packets_received", st.packets_received},
              {"packets_sent", st.packets_sent},
              {"cumulative_lost", st.cumulative_lost},
              {"jitter", st.jitter},
              {"remote_fraction_lost", st.remote_fraction_lost}};
    j["rtt_ms"] = st.rtt_ms ? json(*st.rtt_ms) : json(nullptr);
    streams.push_back(std::move(j));
  }
  json j = {{"session", std::to_string(s.worker) + "/" + std::to_string(s.id)},
            {"ice", s.ice_state},
            {"dtls", s.dtls_state},
            {"srtp_profile", s.srtp_profile},
            {"selected_path", s.selected_path},
            {"selected_transport", s.selected_transport},
            {"age_s", s.age_s},
            {"datagrams_received", s.datagrams_received},
            {"datagrams_sent", s.datagrams_sent},
            {"rtcp_received", s.rtcp_received},
            {"rtcp_sent", s.rtcp_sent},
            {"srtp_failures", s.srtp_failures},
            {"srtp_replays", s.srtp_replays},
            {"srtp_auth_failures", s.srtp_auth_failures},
            {"streams", std::move(streams)}};
  j["connect_ms"] = s.connect_ms ? json(*s.connect_ms) : json(nullptr);
  return j;
}

}  // namespace

EchoService::EchoService(asio::io_context& io,
                         std::vector<std::unique_ptr<media::MediaWorker>>& workers,
                         const std::vector<ice::Endpoint>& tcp_candidates,
                         const media::IceTcpAcceptor* tcp, const std::filesystem::path& web_dir)
    : io_(io),
      workers_(workers),
      tcp_(tcp),
      tcp_candidates_(tcp_candidates),
      files_(std::make_unique<http::StaticFiles>(web_dir, "/precall/")) {}

EchoService::~EchoService() = default;

void EchoService::add_routes(http::HttpRouter& router) {
  router.add("POST", "/api/echo",
             [this](const HttpRequest& r, Reply reply) { post_offer(r, std::move(reply)); });
  router.add_prefix("DELETE", "/api/echo/",
                    [this](const HttpRequest& r, Reply reply) { delete_session(r, reply); });
  router.add("GET", "/api/echo/stats",
             [this](const HttpRequest&, Reply reply) { get_stats(std::move(reply)); });
  router.add("GET", "/", [](const HttpRequest&, const Reply& reply) {
    reply(HttpResponse::redirect("/precall/"));
  });
  router.add("GET", "/precall", [](const HttpRequest&, const Reply& reply) {
    reply(HttpResponse::redirect("/precall/"));
  });
  router.add_prefix("GET", "/precall/", [this](const HttpRequest& r, const Reply& reply) {
    reply(files_->serve(r.path));
  });
}

void EchoService::post_offer(const HttpRequest& request, Reply reply) {
  std::string sdp_text;
  if (request.content_type == "application/json") {
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("sdp") ||
        !body["sdp"].is_string()) {
      reply(json_error(400, "expected a JSON object with an \"sdp\" string"));
      return;
    }
    sdp_text = body["sdp"].get<std::string>();
  } else if (request.content_type == "application/sdp" || request.content_type == "text/plain" ||
             request.content_type.empty()) {
    sdp_text = request.body;
  } else {
    reply(json_error(415, "send the offer as application/sdp, text/plain or application/json"));
    return;
  }
  auto offer = sdp::parse_sdp(sdp_text);
  if (!offer) {
    reply(json_error(400, "the offer is not valid SDP: " + offer.error().describe()));
    return;
  }
  auto plan = media::plan_echo(*offer);
  if (!plan) {
    reply(json_error(400, plan.error().reason));
    return;
  }
  media::MediaWorker& worker = *workers_[next_worker_++ % workers_.size()];
  auto shared_plan = std::make_shared<media::EchoPlan>(std::move(plan.value()));
  auto shared_offer = std::make_shared<sdp::SessionDescription>(std::move(offer.value()));
  media::SessionParams params = shared_plan->params;
  worker.create_session(
      std::move(params), io_.get_executor(),
      [reply = std::move(reply), shared_plan, shared_offer,
       tcp = tcp_candidates_](Result<media::SessionInfo> info) {
        if (!info) {
          reply(json_error(503, "cannot create the media session: " + info.error().reason));
          return;
        }
        info->candidates.insert(info->candidates.end(), tcp.begin(), tcp.end());
        const auto answer = media::build_echo_answer(*shared_offer, *shared_plan, *info);
        json body = {{"type", "answer"},
                     {"sdp", sdp::serialize_sdp(answer)},
                     {"session", std::to_string(info->worker) + "/" + std::to_string(info->id)}};
        reply(HttpResponse::json(200, body.dump()));
      });
}

void EchoService::delete_session(const HttpRequest& request, const Reply& reply) {
  // /api/echo/<worker>/<id>
  const std::string rest = request.path.substr(std::string_view("/api/echo/").size());
  const size_t slash = rest.find('/');
  unsigned long worker = 0;
  unsigned long id = 0;
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    worker = std::stoul(rest.substr(0, slash));
    id = std::stoul(rest.substr(slash + 1));
  } catch (const std::exception&) {
    reply(json_error(404, "expected /api/echo/<worker>/<session>"));
    return;
  }
  if (worker >= workers_.size()) {
    reply(json_error(404, "no such worker"));
    return;
  }
  workers_[worker]->destroy_session(static_cast<media::SessionId>(id));
  reply(HttpResponse::json(200, R"({"deleted": true})"));
}

void EchoService::get_stats(Reply reply) {
  struct Gather {
    json sessions = json::array();
    json workers = json::array();
    size_t pending = 0;
    Reply reply;
    json ice_tcp = nullptr;
  };
  auto gather = std::make_shared<Gather>();
  if (tcp_ != nullptr) {
    const media::IceTcpAcceptorCounters& c = tcp_->counters();
    gather->ice_tcp = {{"accepted", c.accepted},
                       {"handed_over", c.handed_over},
                       {"rejected_not_stun", c.rejected_not_stun},
                       {"rejected_unknown_ufrag", c.rejected_unknown_ufrag},
                       {"timeouts", c.timeouts},
                       {"over_limit", c.over_limit}};
  }
  gather->pending = workers_.size();
  gather->reply = std::move(reply);
  for (auto& worker : workers_) {
    const uint32_t index = worker->index();
    worker->query_stats(
        io_.get_executor(),
        [gather, index](const std::vector<media::SessionStats>& stats, media::WorkerCounters c) {
          for (const auto& s : stats) gather->sessions.push_back(stats_json(s));
          gather->workers.push_back({{"worker", index},
                                     {"datagrams_received", c.datagrams_received},
                                     {"datagrams_sent", c.datagrams_sent},
                                     {"send_errors", c.send_errors},
                                     {"receive_batches", c.receive_batches},
                                     {"gso_sends", c.gso_sends},
                                     {"gso_disabled", c.gso_disabled},
                                     {"dropped_unknown_ufrag", c.dropped_unknown_ufrag},
                                     {"dropped_unknown_path", c.dropped_unknown_path},
                                     {"dropped_unknown_class", c.dropped_unknown_class},
                                     {"dropped_bad_stun", c.dropped_bad_stun},
                                     {"sessions_created", c.sessions_created},
                                     {"sessions_destroyed", c.sessions_destroyed},
                                     {"tcp_connections_adopted", c.tcp.connections_adopted},
                                     {"tcp_connections_rejected", c.tcp.connections_rejected},
                                     {"tcp_connections_closed", c.tcp.connections_closed},
                                     {"tcp_oversize_frames", c.tcp.oversize_frames},
                                     {"tcp_frames_received", c.tcp.frames_received},
                                     {"tcp_frames_sent", c.tcp.frames_sent},
                                     {"tcp_send_dropped", c.tcp.send_dropped}});
          if (--gather->pending == 0) {
            json body = {{"sessions", gather->sessions},
                         {"workers", gather->workers},
                         {"ice_tcp", gather->ice_tcp}};
            gather->reply(HttpResponse::json(200, body.dump(2)));
          }
        });
  }
}

}  // namespace tandem::app
