#include "sip/message_builder.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <random>

namespace tandem::sip {

Message make_response(const Message& request, int status, std::string_view reason,
                      std::string_view to_tag) {
  Message r =
      Message::response(status, std::string(reason.empty() ? default_reason(status) : reason));
  for (const Header& h : request.headers()) {
    switch (h.id) {
      case HeaderId::kVia:
      case HeaderId::kFrom:
      case HeaderId::kCallId:
      case HeaderId::kCSeq:
        r.add(h.id, h.value);
        break;
      case HeaderId::kTo: {
        std::string to(h.value);
        auto parsed = parse_name_addr(to);
        if (status > 100 && !to_tag.empty() && parsed && parsed->tag().empty()) {
          to += ";tag=" + std::string(to_tag);
        }
        r.add(HeaderId::kTo, std::move(to));
        break;
      }
      default:
        break;
    }
  }
  return r;
}

Message make_ack_for_failure(const Message& invite, const Message& response) {
  Message ack = Message::request("ACK", invite.request_uri());
  if (const Header* via = invite.find(HeaderId::kVia)) {
    // Only the top Via: the value may hold several comma-separated entries.
    auto top = invite.values(HeaderId::kVia);
    ack.add(HeaderId::kVia, std::string(top.empty() ? std::string_view(via->value) : top.front()));
  }
  for (const Header& h : invite.headers()) {
    if (h.id == HeaderId::kRoute || h.id == HeaderId::kFrom || h.id == HeaderId::kCallId ||
        h.id == HeaderId::kMaxForwards) {
      ack.add(h.id, h.value);
    }
  }
  if (const Header* to = response.find(HeaderId::kTo)) ack.add(HeaderId::kTo, to->value);
  if (auto cseq = invite.cseq()) ack.add(HeaderId::kCSeq, std::to_string(cseq->number) + " ACK");
  return ack;
}

std::string random_token(size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(length, '0');
  unsigned char bytes[64];
  for (size_t done = 0; done < length;) {
    const size_t n = std::min(length - done, sizeof(bytes));
    if (RAND_bytes(bytes, static_cast<int>(n)) != 1) {
      std::random_device fallback;  // OpenSSL's generator failing is near impossible
      for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<unsigned char>(fallback());
    }
    for (size_t i = 0; i < n; ++i) out[done + i] = kAlphabet[bytes[i] % 36];
    done += n;
  }
  return out;
}

}  // namespace tandem::sip
