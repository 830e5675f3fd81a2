#include "http/static_files.hpp"

#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace tandem::http {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root, std::string url_prefix)
    : root_(std::move(root)), prefix_(std::move(url_prefix)) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(root_, ec);
  if (!ec) root_ = canonical;
}

std::string_view StaticFiles::content_type_for(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".wav") return "audio/wav";
  return "application/octet-stream";
}

HttpResponse StaticFiles::serve(std::string_view url_path) const {
  auto not_found = [&] {
    return HttpResponse::text(404, "not found: " + std::string(url_path) + "\n");
  };
  if (url_path.substr(0, prefix_.size()) != prefix_) return not_found();
  std::string relative(url_path.substr(prefix_.size()));
  if (relative.empty()) relative = "index.html";
  if (relative.find("..") != std::string::npos || relative.find('\0') != std::string::npos ||
      relative.front() == '/') {
    return not_found();
  }
  std::error_code ec;
  fs::path file = fs::weakly_canonical(root_ / relative, ec);
  if (ec) return not_found();
  const auto [root_end, ignored] = std::mismatch(root_.begin(), root_.end(), file.begin());
  if (root_end != root_.end()) return not_found();
  if (fs::is_directory(file, ec)) file /= "index.html";
  std::ifstream in(file, std::ios::binary);
  if (!in) return not_found();
  std::ostringstream body;
  body << in.rdbuf();
  HttpResponse r;
  r.content_type = std::string(content_type_for(file));
  r.body = std::move(body).str();
  return r;
}

}  // namespace tandem::http
