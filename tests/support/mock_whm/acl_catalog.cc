#include "tests/support/mock_whm/acl_catalog.h"

#include <algorithm>

namespace tw::mock {
namespace {

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

const std::vector<std::string>& initial_reseller_acl_names() {
  static const std::vector<std::string> names = sorted({
      "acct-summary",
      "basic-system-info",
      "basic-whm-functions",
      "connected-applications",
      "cors-proxy-get",
      "cpanel-api",
      "cpanel-integration",
      "create-user-session",
      "digest-auth",
      "generate-email-config",
      "list-pkgs",
      "manage-api-tokens",
      "manage-dns-records",
      "manage-oidc",
      "manage-styles",
      "mysql-info",
      "ns-config",
      "public-contact",
      "ssl-info",
      "track-email",
  });
  return names;
}

const std::vector<std::string>& all_acl_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = initial_reseller_acl_names();
    const char* const rest[] = {
        // standard privileges
        "list-accts", "show-bandwidth", "create-acct", "kill-acct", "suspend-acct",
        "upgrade-account", "ssl", "ssl-buy", "ssl-gencrt", "edit-mx", "passwd", "file-restore",
        "create-dns", "kill-dns", "park-dns", "edit-dns", "add-pkg", "edit-pkg", "thirdparty",
        "mailcheck", "news", "assign-root-account-enhancements",
        // package privileges
        "allow-shell", "viewglobalpackages", "allow-addoncreate", "allow-parkedcreate",
        "add-pkg-ip", "add-pkg-shell", "allow-unlimited-pkgs", "allow-emaillimits-pkgs",
        "allow-unlimited-disk-pkgs", "allow-unlimited-bw-pkgs",
        // global privileges
        "status", "stats", "restart", "resftp",
        // super privileges
        "edit-account", "limit-bandwidth", "quota", "demo-setup", "rearrange-accts", "clustering",
        "locale-edit",
        // root access
        "all"};
    all.insert(all.end(), std::begin(rest), std::end(rest));
    return sorted(std::move(all));
  }();
  return names;
}

bool is_known_acl(std::string_view name) {
  const auto& names = all_acl_names();
  return std::binary_search(names.begin(), names.end(), name);
}

}  // namespace tw::mock
