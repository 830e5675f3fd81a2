// Writes RTCP packets produced by RtcpBuilder into a libpcap file (Ethernet/IPv4/UDP, destination
// port 5005) for the Wireshark cross-check in tshark_crosscheck.sh. Usage: rtcp_pcap_writer
// out.pcap
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <vector>

#include "rtp/rtcp_builder.hpp"

namespace {

using namespace tandem::rtp;

void put16be(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
void put32le(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (8 * i)));
}

// One Ethernet frame carrying `payload` in UDP 10.0.0.1:5005 -> 10.0.0.2:5005.
std::vector<uint8_t> frame(std::span<const uint8_t> payload) {
  std::vector<uint8_t> f = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00};
  const size_t ip_start = f.size();
  const uint16_t udp_len = static_cast<uint16_t>(8 + payload.size());
  f.insert(f.end(), {0x45, 0x00});
  put16be(f, static_cast<uint16_t>(20 + udp_len));
  f.insert(f.end(), {0x00, 0x01, 0x40, 0x00, 64, 17, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2});
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) sum += (f[ip_start + i] << 8) | f[ip_start + i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t checksum = static_cast<uint16_t>(~sum);
  f[ip_start + 10] = static_cast<uint8_t>(checksum >> 8);
  f[ip_start + 11] = static_cast<uint8_t>(checksum);
  put16be(f, 5005);
  put16be(f, 5005);
  put16be(f, udp_len);
  put16be(f, 0);  // no UDP checksum (allowed over IPv4)
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s out.pcap\n", argv[0]);
    return 2;
  }
  std::vector<std::vector<uint8_t>> datagrams;
  std::array<uint8_t, 1500> buf{};
  auto add = [&](auto&& build) {
    RtcpBuilder b(buf);
    if (!build(b)) return false;
    datagrams.emplace_back(b.data().begin(), b.data().end());
    return true;
  };
  bool ok = true;
  // 1: compound SR (one report block) + SDES CNAME.
  ok &= add([](RtcpBuilder& b) {
    SenderInfo info{NtpTime{0xe9000000, 0x80000000}, 16000, 50, 8000};
    ReportBlock block{0x00000bbb, 64, 5, 0x000104d2, 42, 0xc1b47654, 0x00018000};
    const ReportBlock blocks[] = {block};
    return b.add_sender_report(0x00000aaa, info, blocks) &&
           b.add_sdes_cname(0x00000aaa, "tandem@example.org");
  });
  // 2: RR, fraction lost 25 %.
  ok &= add([](RtcpBuilder& b) {
    ReportBlock block{0x00000ccc, 64, 7, 65535, 256, 0, 0};
    const ReportBlock blocks[] = {block};
    return b.add_receiver_report(0x00000aaa, blocks);
  });
  // 3: NACK for 1000, 1001, 1003.
  ok &= add([](RtcpBuilder& b) {
    const uint16_t lost[] = {1000, 1001, 1003};
    NackItem items[4];
    const size_t n = pack_nack_items(lost, items);
    return b.add_nack(0x00000aaa, 0x00000ddd, std::span<const NackItem>(items, n));
  });
  // 4: PLI.
  ok &= add([](RtcpBuilder& b) { return b.add_pli(0x00000aaa, 0x00000ddd); });
  // 5: FIR, sequence 7.
  ok &= add([](RtcpBuilder& b) {
    const FirEntry entries[] = {{0x00000ddd, 7}};
    return b.add_fir(0x00000aaa, entries);
  });
  // 6: REMB 1 Mbit/s.
  ok &= add([](RtcpBuilder& b) {
    const uint32_t ssrcs[] = {0x00000ddd};
    return b.add_remb(0x00000aaa, 1'000'000, ssrcs);
  });
  // 7: RR + BYE with a reason.
  ok &= add([](RtcpBuilder& b) {
    const uint32_t ssrcs[] = {0x00000aaa};
    return b.add_receiver_report(0x00000aaa, {}) && b.add_bye(ssrcs, "call ended");
  });
  if (!ok) {
    std::fprintf(stderr, "builder refused a packet\n");
    return 1;
  }

  std::vector<uint8_t> out;
  out.reserve(4096);  // also keeps GCC 12's -Wstringop-overflow false positive away at -O3
  put32le(out, 0xa1b2c3d4);  // magic, microsecond timestamps
  put32le(out, 0x00040002);  // version 2.4 (two little-endian u16s)
  put32le(out, 0);                      // thiszone
  put32le(out, 0);                      // sigfigs
  put32le(out, 65535);                  // snaplen
  put32le(out, 1);                      // LINKTYPE_ETHERNET
  uint32_t seconds = 1700000000;
  for (const auto& d : datagrams) {
    const auto f = frame(d);
    put32le(out, seconds++);
    put32le(out, 0);
    put32le(out, static_cast<uint32_t>(f.size()));
    put32le(out, static_cast<uint32_t>(f.size()));
    out.insert(out.end(), f.begin(), f.end());
  }
  std::FILE* file = std::fopen(argv[1], "wb");
  if (file == nullptr || std::fwrite(out.data(), 1, out.size(), file) != out.size()) {
    std::perror(argv[1]);
    return 1;
  }
  std::fclose(file);
  return 0;
}
