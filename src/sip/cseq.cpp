#include "sip/cseq.hpp"

#include "common/text.hpp"
#include "sip/grammar.hpp"

namespace tandem::sip {

Result<CSeq> parse_cseq(std::string_view value) {
  Scanner s(value);
  s.skip_ws();
  const size_t start = s.pos();
  std::string_view digits = s.take_until_any(" \t");
  auto number = parse_uint(digits, 0x7fffffff);
  if (!number) {
    return Error{"CSeq number must be an integer below 2^31", 0, static_cast<uint32_t>(start + 1)};
  }
  s.skip_ws();
  const size_t method_start = s.pos();
  std::string_view method = s.token();
  s.skip_ws();
  if (method.empty() || !s.at_end()) {
    return Error{"CSeq needs a number and a method", 0, static_cast<uint32_t>(method_start + 1)};
  }
  return CSeq{static_cast<uint32_t>(*number), std::string(method)};
}

}  // namespace tandem::sip
