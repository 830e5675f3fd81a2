// The BIO between OpenSSL and the media worker: no socket inside. OpenSSL reads the one datagram
// being processed (zero-copy from the caller's buffer) and every record it writes is queued;
// drain() then packs the queued records into datagrams of at most the MTU (RFC 6347 §4.1.1
// allows several records per datagram) and hands them out.
#pragma once

#include <openssl/bio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"
#include "dtls/openssl_ptr.hpp"

namespace tandem::dtls {

class DatagramIo {
 public:
  // One method table per DtlsContext, shared by all its transports.
  static Result<BioMethodPtr> make_method();

  explicit DatagramIo(size_t mtu);
  DatagramIo(const DatagramIo&) = delete;
  DatagramIo& operator=(const DatagramIo&) = delete;

  // A BIO reading from and writing to this object; the caller hands it to SSL_set_bio. The
  // object must outlive the BIO.
  BIO* new_bio(const BIO_METHOD* method);

  // The next BIO_read returns this datagram (once), then reports "retry".
  void set_input(std::span<const uint8_t> datagram) noexcept { input_ = datagram; }
  void clear_input() noexcept { input_ = {}; }

  bool has_output() const noexcept { return !record_sizes_.empty(); }
  // Calls send(std::span<const uint8_t>) per datagram; leaves the queue empty.
  template <typename Send>
  void drain(Send&& send) {
    size_t begin = 0;
    size_t datagram_size = 0;
    for (size_t record : record_sizes_) {
      if (datagram_size != 0 && datagram_size + record > mtu_) {
        send(std::span<const uint8_t>(output_.data() + begin, datagram_size));
        begin += datagram_size;
        datagram_size = 0;
      }
      datagram_size += record;
    }
    if (datagram_size != 0) send(std::span<const uint8_t>(output_.data() + begin, datagram_size));
    output_.clear();
    record_sizes_.clear();
  }

 private:
  static int on_write(BIO* bio, const char* data, int length);
  static int on_read(BIO* bio, char* data, int length);
  static long on_ctrl(BIO* bio, int command, long number, void* pointer);

  size_t mtu_;
  std::span<const uint8_t> input_;
  std::vector<uint8_t> output_;  // queued records back to back, capacity kept between flights
  std::vector<uint32_t> record_sizes_;
};

}  // namespace tandem::dtls
