#include "ice/ice_lite_agent.hpp"

#include <utility>

#include "ice/stun_builder.hpp"

namespace tandem::ice {

std::string_view to_string(IceState state) noexcept {
  switch (state) {
    case IceState::kNew:
      return "new";
    case IceState::kChecking:
      return "checking";
    case IceState::kConnected:
      return "connected";
    case IceState::kDisconnected:
      return "disconnected";
    case IceState::kFailed:
      return "failed";
  }
  return "unknown";
}

Result<IceLiteAgent> IceLiteAgent::create(const IceLiteConfig& config, IceListener* listener,
                                          TimePoint now) {
  if (config.local_ufrag.empty() || config.local_pwd.empty()) {
    return Error{"ICE-lite agent needs a local ufrag and password"};
  }
  auto key = HmacSha1::create(config.local_pwd);
  if (!key) return key.error();
  Generation generation{config.local_ufrag, config.local_pwd, config.remote_ufrag,
                        std::move(key).value(), false};
  return IceLiteAgent(std::move(generation), config, listener, now);
}

IceLiteAgent::IceLiteAgent(Generation generation, const IceLiteConfig& config,
                           IceListener* listener, TimePoint now)
    : current_(std::move(generation)),
      consent_timeout_(config.consent_timeout),
      connect_timeout_(config.connect_timeout),
      answer_unauthorized_(config.answer_unauthorized),
      listener_(listener),
      phase_start_(now) {}

size_t IceLiteAgent::handle_packet(std::span<const uint8_t> packet, const Endpoint& from,
                                   TimePoint now, std::span<uint8_t> response) noexcept {
  const auto message = StunView::parse(packet);
  if (!message) {
    ++counters_.dropped_malformed;
    return 0;
  }
  return handle_stun(*message, from, now, response);
}

size_t IceLiteAgent::handle_stun(const StunView& message, const Endpoint& from, TimePoint now,
                                 std::span<uint8_t> response) noexcept {
  // RFC 8445 §7.3: a lite agent only answers Binding requests. Indications (keepalives, RFC 8445
  // §11) and responses (it sends no requests) are dropped.
  if (!message.is_binding_request()) {
    ++counters_.dropped_not_request;
    return 0;
  }
  ++counters_.requests;

  // RFC 8489 §9.1.3: a request without both USERNAME and MESSAGE-INTEGRITY gets 400.
  const auto username = message.username();
  if (!username || !message.has_message_integrity()) {
    ++counters_.bad_requests;
    return write_error(response, message, error_code::kBadRequest, nullptr);
  }

  // Find the credentials: USERNAME is "<local ufrag>:<remote ufrag>" (RFC 8445 §7.2.2). During a
  // restart both the new and the previous generation are live.
  Generation* generation = nullptr;
  bool username_matched = false;
  for (Generation* g : {&current_, previous_ ? &*previous_ : nullptr}) {
    if (g == nullptr) continue;
    const size_t colon = username->find(':');
    if (colon == std::string_view::npos) break;
    if (username->substr(0, colon) != g->local_ufrag) continue;
    if (!g->remote_ufrag.empty() && username->substr(colon + 1) != g->remote_ufrag) continue;
    username_matched = true;
    if (message.verify_integrity(g->key)) {
      generation = g;
      break;
    }
  }
  if (generation == nullptr) {
    if (username_matched) {
      ++counters_.dropped_bad_integrity;
    } else {
      ++counters_.dropped_unknown_ufrag;
    }
    if (!answer_unauthorized_) return 0;
    return write_error(response, message, error_code::kUnauthorized, nullptr);
  }

  // RFC 8489 §6.3.1: unknown comprehension-required attributes get 420.
  if (message.unknown_required_count() > 0) {
    return write_error(response, message, error_code::kUnknownAttribute, &generation->key);
  }
  // RFC 8445 §7.3.1.1: the lite agent is always controlled (§6.1.1); a peer that also claims
  // the controlled role gets 487 and must switch. The lite agent never switches roles.
  if (message.ice_controlled()) {
    ++counters_.role_conflicts;
    return write_error(response, message, error_code::kRoleConflict, &generation->key);
  }

  const size_t size =
      build_binding_success(response, message.transaction_id(), from, generation->key);
  if (size == 0) {
    ++counters_.dropped_no_buffer;
    return 0;
  }
  ++counters_.success_responses;
  on_valid_check(*generation, message, from, now);
  return size;
}

void IceLiteAgent::on_valid_check(Generation& generation, const StunView& message,
                                  const Endpoint& from, TimePoint now) noexcept {
  ++counters_.valid_checks;
  if (!generation.confirmed) {
    generation.confirmed = true;
    if (&generation == &current_ && previous_) {
      previous_.reset();  // restart completed: the old credentials are retired
      ++counters_.restarts_completed;
    }
  }

  RemotePath* path = find_or_learn(from);
  path->last_check = now;  // RFC 7675 §5.1: a valid check refreshes consent for its pair
  if (const auto priority = message.priority()) path->priority = *priority;

  if (state_ == IceState::kNew) set_state(IceState::kChecking);

  // RFC 8445 §7.3.1.5 (regular nomination by the controlling agent): USE-CANDIDATE on a valid
  // check nominates its pair. The latest nomination wins, which is how browsers move a
  // session to another network path.
  if (message.use_candidate()) {
    ++counters_.nominations;
    if (selected_ != from) {
      if (selected_) ++counters_.path_switches;
      selected_ = from;
      if (listener_ != nullptr) listener_->on_ice_selected_path_changed(from);
    }
  }
  if (selected_ == from && state_ != IceState::kConnected) set_state(IceState::kConnected);
}

IceLiteAgent::RemotePath* IceLiteAgent::find_or_learn(const Endpoint& from) noexcept {
  RemotePath* free_slot = nullptr;
  RemotePath* oldest = nullptr;
  for (RemotePath& p : paths_) {
    if (!p.in_use) {
      if (free_slot == nullptr) free_slot = &p;
      continue;
    }
    if (p.endpoint == from) return &p;
    if (selected_ != p.endpoint && (oldest == nullptr || p.last_check < oldest->last_check)) {
      oldest = &p;
    }
  }
  // kMaxRemotePaths >= 2, so with one selected entry there is always a victim.
  RemotePath* slot = free_slot != nullptr ? free_slot : oldest;
  *slot = RemotePath{from, TimePoint{}, 0, true};
  ++counters_.prflx_learned;
  return slot;
}

const IceLiteAgent::RemotePath* IceLiteAgent::selected_entry() const noexcept {
  if (!selected_) return nullptr;
  for (const RemotePath& p : paths_) {
    if (p.in_use && p.endpoint == *selected_) return &p;
  }
  return nullptr;
}

IceLiteAgent::RemotePath* IceLiteAgent::selected_entry() noexcept {
  return const_cast<RemotePath*>(std::as_const(*this).selected_entry());
}

void IceLiteAgent::on_tick(TimePoint now) noexcept {
  switch (state_) {
    case IceState::kConnected: {
      const RemotePath* selected = selected_entry();
      // RFC 7675 §5.1: consent is lost when no check succeeded for consent_timeout.
      if (selected == nullptr || now - selected->last_check >= consent_timeout_) {
        ++counters_.consent_expirations;
        set_state(IceState::kDisconnected);
      }
      break;
    }
    case IceState::kNew:
    case IceState::kChecking:
      if (now - phase_start_ >= connect_timeout_) set_state(IceState::kFailed);
      break;
    case IceState::kDisconnected:
    case IceState::kFailed:
      break;
  }
}

std::optional<TimePoint> IceLiteAgent::next_deadline() const noexcept {
  switch (state_) {
    case IceState::kConnected:
      if (const RemotePath* selected = selected_entry()) {
        return selected->last_check + consent_timeout_;
      }
      return phase_start_;  // cannot happen: the selected path is never evicted
    case IceState::kNew:
    case IceState::kChecking:
      return phase_start_ + connect_timeout_;
    case IceState::kDisconnected:
    case IceState::kFailed:
      return std::nullopt;
  }
  return std::nullopt;
}

Status IceLiteAgent::restart(std::string_view local_ufrag, std::string_view local_pwd,
                             std::string_view remote_ufrag, TimePoint now) {
  if (local_ufrag.empty() || local_pwd.empty()) {
    return Error{"ICE restart needs a local ufrag and password"};
  }
  auto key = HmacSha1::create(local_pwd);
  if (!key) return key.error();
  ++counters_.restarts;
  // Keep the last generation that worked; an unconfirmed one (e.g. a restart that was restarted
  // again) is simply replaced.
  if (current_.confirmed) previous_ = std::move(current_);
  current_ = Generation{std::string(local_ufrag), std::string(local_pwd), std::string(remote_ufrag),
                        std::move(key).value(), false};
  phase_start_ = now;
  // A connected session keeps its selected path and consent timer; anything else starts over
  // with a fresh connect timer.
  if (state_ != IceState::kConnected) set_state(IceState::kNew);
  return Ok{};
}

void IceLiteAgent::set_remote_ufrag(std::string_view remote_ufrag) {
  current_.remote_ufrag = std::string(remote_ufrag);
}

bool IceLiteAgent::owns_ufrag(std::string_view ufrag) const noexcept {
  return ufrag == current_.local_ufrag || (previous_ && ufrag == previous_->local_ufrag);
}

void IceLiteAgent::set_state(IceState state) noexcept {
  if (state == state_) return;
  state_ = state;
  if (listener_ != nullptr) listener_->on_ice_state_changed(state);
}

size_t IceLiteAgent::write_error(std::span<uint8_t> out, const StunView& message, uint16_t code,
                                 const HmacSha1* key) noexcept {
  const size_t size =
      build_binding_error(out, message.transaction_id(), code, key, message.unknown_required());
  if (size == 0) {
    ++counters_.dropped_no_buffer;
    return 0;
  }
  ++counters_.error_responses;
  return size;
}

}  // namespace tandem::ice
