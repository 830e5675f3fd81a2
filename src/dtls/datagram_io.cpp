#include "dtls/datagram_io.hpp"

#include <algorithm>
#include <cstring>

namespace tandem::dtls {
namespace {

DatagramIo* io_of(BIO* bio) { return static_cast<DatagramIo*>(BIO_get_data(bio)); }

int on_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

}  // namespace

Result<BioMethodPtr> DatagramIo::make_method() {
  BioMethodPtr method(
      BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tandem dtls datagram"));
  if (!method || BIO_meth_set_write(method.get(), &DatagramIo::on_write) != 1 ||
      BIO_meth_set_read(method.get(), &DatagramIo::on_read) != 1 ||
      BIO_meth_set_ctrl(method.get(), &DatagramIo::on_ctrl) != 1 ||
      BIO_meth_set_create(method.get(), &on_create) != 1) {
    return Error{"cannot create the DTLS BIO method"};
  }
  return method;
}

DatagramIo::DatagramIo(size_t mtu) : mtu_(mtu) {
  // A full flight at 1200 bytes (certificate included) is 2-3 KB: one allocation per transport.
  output_.reserve(4096);
  record_sizes_.reserve(16);
}

BIO* DatagramIo::new_bio(const BIO_METHOD* method) {
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, this);
  return bio;
}

int DatagramIo::on_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  DatagramIo* io = io_of(bio);
  if (io == nullptr || length < 0) return -1;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  io->output_.insert(io->output_.end(), bytes, bytes + length);
  io->record_sizes_.push_back(static_cast<uint32_t>(length));
  return length;
}

int DatagramIo::on_read(BIO* bio, char* data, int length) {
  BIO_clear_retry_flags(bio);
  DatagramIo* io = io_of(bio);
  if (io == nullptr || length < 0) return -1;
  if (io->input_.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  // Datagram semantics: one read returns one whole datagram; a datagram larger than OpenSSL's
  // buffer (over 16 KB, never valid DTLS) is truncated and its tail dropped.
  const size_t n = std::min(io->input_.size(), static_cast<size_t>(length));
  std::memcpy(data, io->input_.data(), n);
  io->input_ = {};
  return static_cast<int>(n);
}

long DatagramIo::on_ctrl(BIO* /*bio*/, int command, long /*number*/, void* /*pointer*/) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    // DtlsTransport reads the deadline with DTLSv1_get_timeout; nothing to do here.
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
      return 1;
    case BIO_CTRL_PENDING:
    case BIO_CTRL_WPENDING:
      return 0;
    default:
      return 0;
  }
}

}  // namespace tandem::dtls
