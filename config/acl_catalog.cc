#include "config/acl_catalog.h"

#include <algorithm>
#include <array>

namespace tw::config {
namespace {

// Sorted (checked below), so that lookups can bisect.
constexpr std::array<std::string_view, 64> kWhmAcls{
    "acct-summary",
    "add-pkg",
    "add-pkg-ip",
    "add-pkg-shell",
    "all",
    "allow-addoncreate",
    "allow-emaillimits-pkgs",
    "allow-parkedcreate",
    "allow-shell",
    "allow-unlimited-bw-pkgs",
    "allow-unlimited-disk-pkgs",
    "allow-unlimited-pkgs",
    "assign-root-account-enhancements",
    "basic-system-info",
    "basic-whm-functions",
    "clustering",
    "connected-applications",
    "cors-proxy-get",
    "cpanel-api",
    "cpanel-integration",
    "create-acct",
    "create-dns",
    "create-user-session",
    "demo-setup",
    "digest-auth",
    "edit-account",
    "edit-dns",
    "edit-mx",
    "edit-pkg",
    "file-restore",
    "generate-email-config",
    "kill-acct",
    "kill-dns",
    "limit-bandwidth",
    "list-accts",
    "list-pkgs",
    "locale-edit",
    "mailcheck",
    "manage-api-tokens",
    "manage-dns-records",
    "manage-oidc",
    "manage-styles",
    "mysql-info",
    "news",
    "ns-config",
    "park-dns",
    "passwd",
    "public-contact",
    "quota",
    "rearrange-accts",
    "resftp",
    "restart",
    "show-bandwidth",
    "ssl",
    "ssl-buy",
    "ssl-gencrt",
    "ssl-info",
    "stats",
    "status",
    "suspend-acct",
    "thirdparty",
    "track-email",
    "upgrade-account",
    "viewglobalpackages",
};
static_assert(std::is_sorted(kWhmAcls.begin(), kWhmAcls.end()));
static_assert(std::adjacent_find(kWhmAcls.begin(), kWhmAcls.end()) == kWhmAcls.end());

}  // namespace

std::span<const std::string_view> whm_acl_names() {
  return kWhmAcls;
}

bool is_whm_acl(std::string_view name) {
  return std::binary_search(kWhmAcls.begin(), kWhmAcls.end(), name);
}

}  // namespace tw::config
