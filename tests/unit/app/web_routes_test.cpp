// listen.web_root and [demo] as the gateway serves them: the config key, then WebRoutes on a
// router next to a later "GET /" (the pre-call redirect) and "/precall/" prefix.
#include "app/web_routes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "app/config_loader.hpp"
#include "app/config_validation.hpp"

namespace tandem::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kBase = R"(
[listen]
ws = "127.0.0.1:8080"
[sip]
pbx = "sip:127.0.0.1:5060"
[media]
public_ip = "192.0.2.10"
[auth]
audience = "tandem"
hs256_secret = "0123456789abcdef0123456789abcdef"
)";

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("tandem-web-routes-test-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path / "site" / "assets");
    std::ofstream(path / "site" / "index.html") << "<h1>softphone</h1>";
    std::ofstream(path / "site" / "assets" / "app.js") << "console.log(1)";
    std::ofstream(path / "secret.txt") << "outside";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

LoadedConfig load(const std::string& extra, const std::string& dir) {
  LoadedConfig loaded = load_config_text(std::string(kBase) + extra, "test.toml", dir);
  if (loaded.errors.empty()) {
    loaded.errors = validate_config(loaded.config);
  }
  return loaded;
}

http::HttpResponse get(const http::HttpRouter& router, const std::string& method,
                       const std::string& path, const std::string& body = "") {
  http::HttpRequest request;
  request.method = method;
  request.path = path;
  request.body = body;
  request.content_type = body.empty() ? "" : "application/json";
  http::HttpResponse out;
  router.dispatch(request, [&](http::HttpResponse r) { out = std::move(r); });
  return out;
}

// WebRoutes first, then what the pre-call service registers after it.
struct Served {
  std::unique_ptr<WebRoutes> routes;
  http::HttpRouter router;
  explicit Served(const Config& config) : routes(WebRoutes::create(config).value()) {
    routes->add_to(router);
    router.add("GET", "/", [](const http::HttpRequest&, const http::Reply& reply) {
      reply(http::HttpResponse::redirect("/precall/"));
    });
    router.add_prefix("GET", "/precall/", [](const http::HttpRequest&, const http::Reply& reply) {
      reply(http::HttpResponse::text(200, "precall"));
    });
  }
};

bool has_error(const ConfigErrors& errors, const std::string& key, const std::string& part) {
  for (const auto& e : errors) {
    if (e.key == key && e.message.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(WebRoutes, WebRootIsRelativeToTheConfigAndMustBeADirectory) {
  TempDir dir;
  const auto with_root = [&](const std::string& root) {
    const std::string text = "[listen]\nws = \"127.0.0.1:8080\"\nweb_root = \"" + root + "\"\n";
    return load_config_text(text, "t.toml", dir.path.string());
  };
  const LoadedConfig ok = with_root("site");
  ASSERT_TRUE(ok.errors.empty()) << ok.errors.front().describe();
  EXPECT_EQ(ok.config.listen.web_root, (dir.path / "site").string());
  EXPECT_FALSE(has_error(validate_config(ok.config), "listen.web_root", ""));
  EXPECT_TRUE(has_error(validate_config(with_root("nope").config), "listen.web_root",
                        "expected an existing directory"));
  EXPECT_TRUE(has_error(validate_config(with_root("secret.txt").config), "listen.web_root",
                        "expected an existing directory"));
}

TEST(WebRoutes, ServesTheWebRootAtSlashBeforeThePrecallRedirect) {
  TempDir dir;
  Config config;
  config.listen.web_root = (dir.path / "site").string();
  Served s(config);
  const auto index = get(s.router, "GET", "/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.body, "<h1>softphone</h1>");
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  const auto js = get(s.router, "GET", "/assets/app.js");
  EXPECT_EQ(js.status, 200u);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get(s.router, "GET", "/precall/").body, "precall");
  EXPECT_EQ(get(s.router, "GET", "/../secret.txt").status, 404u);
  EXPECT_EQ(get(s.router, "GET", "/missing.js").status, 404u);
  const auto api = get(s.router, "GET", "/api/nothing");
  EXPECT_EQ(api.status, 404u);
  EXPECT_EQ(api.content_type, "application/json");
  // Demo mode off: its paths are 404, not the web root's 405 or a file.
  const auto off = get(s.router, "POST", "/api/demo/token", R"({"user":"1000"})");
  EXPECT_EQ(off.status, 404u);
  EXPECT_EQ(json::parse(off.body)["error"], "demo-disabled");
  EXPECT_EQ(get(s.router, "GET", "/api/demo").status, 404u);
}

TEST(WebRoutes, WithoutWebRootSlashStaysThePrecallRedirect) {
  Served s(Config{});
  EXPECT_EQ(get(s.router, "GET", "/").status, 302u);
}

TEST(WebRoutes, DemoModeMintsForTheListedUsers) {
  TempDir dir;
  const LoadedConfig loaded =
      load("[demo]\nenabled = true\ntoken_ttl = \"10m\"\nusers = [\"1000\", \"1001\"]\n",
           dir.path.string());
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors.front().describe();
  Served s(loaded.config);
  const json info = json::parse(get(s.router, "GET", "/api/demo").body);
  EXPECT_EQ(info["enabled"], true);
  EXPECT_EQ(info["users"], (json{"1000", "1001"}));
  const auto minted = get(s.router, "POST", "/api/demo/token", R"({"user":"1001"})");
  ASSERT_EQ(minted.status, 200u) << minted.body;
  EXPECT_EQ(json::parse(minted.body)["expires_in"], 600);
  EXPECT_EQ(get(s.router, "POST", "/api/demo/token", R"({"user":"1002"})").status, 403u);
  EXPECT_EQ(get(s.router, "POST", "/api/demo/token", "{").status, 400u);
}

TEST(WebRoutes, DemoModeNeedsASigningKey) {
  Config config;  // no [auth] key at all
  config.demo.enabled = true;
  config.auth.audience = "tandem";
  EXPECT_FALSE(WebRoutes::create(config));
}

}  // namespace
}  // namespace tandem::app
