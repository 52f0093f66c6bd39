# Helpers shared by the bench scripts (sourced, not run).

# pct A B prints 100·A/B with one decimal.
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", 100*a/b}'; }

# per A B prints A/B with two decimals.
per() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# shared_bench prints the bench kit's folder, SHARED/bench (SHARED defaults
# to ../shared, beside the repository), or says where it looked and fails.
# Scripts call it before any long work, so a missing kit is not found only
# after a model has trained.
shared_bench() {
  local d="${SHARED:-../shared}/bench"
  [ -d "$d" ] || { echo "$(basename "$0"): no bench kit at $d: the repository must sit beside ../shared, or set SHARED" >&2; return 1; }
  (cd "$d" && pwd)
}
