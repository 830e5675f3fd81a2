#include "sdp/codec.hpp"

#include <algorithm>
#include <array>

#include "sdp/scan.hpp"

namespace tandem::sdp {
namespace {

constexpr size_t kPayloadTypes = 128;

struct StaticEntry {
  uint8_t payload_type;
  const char* name;
  uint32_t clock_rate;
  uint32_t channels;  // 0 for video
};

// RFC 3551 tables 4 and 5 (assigned static payload types).
constexpr StaticEntry kStatic[] = {
    {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},    {4, "G723", 8000, 1},   {5, "DVI4", 8000, 1},
    {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},    {8, "PCMA", 8000, 1},   {9, "G722", 8000, 1},
    {10, "L16", 44100, 2},  {11, "L16", 44100, 1},  {12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
    {14, "MPA", 90000, 0},  {15, "G728", 8000, 1},  {16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1},
    {18, "G729", 8000, 1},  {25, "CelB", 90000, 0}, {26, "JPEG", 90000, 0}, {28, "nv", 90000, 0},
    {31, "H261", 90000, 0}, {32, "MPV", 90000, 0},  {33, "MP2T", 90000, 0}, {34, "H263", 90000, 0},
};

std::optional<uint8_t> payload_type(std::string_view text) { return detail::parse_u8(text, 127); }

// Per payload type, what the attribute lines say; filled in one pass over the attributes.
struct Described {
  std::optional<Rtpmap> rtpmap;
  std::optional<std::string> fmtp;
  std::vector<RtcpFb> feedback;
};

void collect(const AttributeList& attributes, std::array<Described, kPayloadTypes>& out,
             std::vector<RtcpFb>& wildcard) {
  for (const Attribute& a : attributes) {
    if (!a.value) continue;
    if (a.name == "rtpmap") {
      Result<Rtpmap> r = parse_rtpmap(*a.value);
      if (r && !out[r->payload_type].rtpmap) out[r->payload_type].rtpmap = *r;
    } else if (a.name == "fmtp") {
      Result<Fmtp> f = parse_fmtp(*a.value);
      const auto pt = f ? payload_type(f->format) : std::nullopt;
      if (pt && !out[*pt].fmtp) out[*pt].fmtp = f->parameters;
    } else if (a.name == "rtcp-fb") {
      Result<RtcpFb> fb = parse_rtcp_fb(*a.value);
      if (!fb) continue;
      if (fb->format == "*") {
        wildcard.push_back(*fb);
      } else if (const auto pt = payload_type(fb->format)) {
        out[*pt].feedback.push_back(*fb);
      }
    }
  }
}

bool describes(const Attribute& a, const std::vector<uint8_t>& drop) {
  if (!a.value || (a.name != "rtpmap" && a.name != "fmtp" && a.name != "rtcp-fb")) return false;
  std::string_view rest = *a.value;
  const auto pt = payload_type(detail::next_field(rest));
  return pt && std::find(drop.begin(), drop.end(), *pt) != drop.end();
}

}  // namespace

std::optional<Rtpmap> static_rtpmap(uint8_t pt) {
  for (const StaticEntry& e : kStatic) {
    if (e.payload_type != pt) continue;
    Rtpmap r{pt, e.name, e.clock_rate, std::nullopt};
    if (e.channels != 0) r.channels = e.channels;
    return r;
  }
  return std::nullopt;
}

std::vector<Codec> codecs(const MediaDescription& media) {
  std::vector<Codec> out;
  if (!media.is_rtp()) return out;
  std::array<Described, kPayloadTypes> described;
  std::vector<RtcpFb> wildcard;
  collect(media.attributes, described, wildcard);
  for (const std::string& format : media.formats) {
    const auto pt = payload_type(format);
    if (!pt) continue;
    const Described& d = described[*pt];
    const std::optional<Rtpmap> map = d.rtpmap ? d.rtpmap : static_rtpmap(*pt);
    if (!map) continue;
    Codec c{*pt, map->encoding, map->clock_rate, map->channels, d.fmtp, d.feedback, !d.rtpmap};
    c.feedback.insert(c.feedback.end(), wildcard.begin(), wildcard.end());
    out.push_back(std::move(c));
  }
  return out;
}

void retain_payload_types(MediaDescription& media, const std::vector<uint8_t>& keep) {
  std::vector<uint8_t> drop;
  std::erase_if(media.formats, [&](const std::string& format) {
    const auto pt = payload_type(format);
    if (!pt || std::find(keep.begin(), keep.end(), *pt) != keep.end()) return false;
    drop.push_back(*pt);
    return true;
  });
  media.attributes.remove_if([&](const Attribute& a) { return describes(a, drop); });
}

void add_codec(MediaDescription& media, const Codec& codec) {
  media.formats.push_back(std::to_string(codec.payload_type));
  media.attributes.add("rtpmap", to_string(Rtpmap{codec.payload_type, codec.name, codec.clock_rate,
                                                  codec.channels}));
  for (const RtcpFb& fb : codec.feedback) {
    if (fb.format == "*") continue;  // wildcard lines belong to the section, not the codec
    media.attributes.add(
        "rtcp-fb", to_string(RtcpFb{std::to_string(codec.payload_type), fb.type, fb.parameters}));
  }
  if (codec.fmtp) {
    media.attributes.add("fmtp", to_string(Fmtp{std::to_string(codec.payload_type), *codec.fmtp}));
  }
}

}  // namespace tandem::sdp
