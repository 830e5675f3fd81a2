// What the ICE-lite agent tells its owner (the WebRtcTransport). Called synchronously from
// handle_stun(), handle_packet() and on_tick(), on the worker thread; must not re-enter the agent.
#pragma once

#include "ice/endpoint.hpp"
#include "ice/ice_types.hpp"

namespace tandem::ice {

class IceListener {
 public:
  virtual void on_ice_state_changed(IceState state) noexcept = 0;
  // The address to send media to changed (first nomination, or the browser nominated another
  // pair).
  virtual void on_ice_selected_path_changed(const Endpoint& path) noexcept = 0;

 protected:
  ~IceListener() = default;
};

}  // namespace tandem::ice
