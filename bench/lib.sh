# Helpers shared by the bench scripts (sourced, not run).

# pct A B prints 100·A/B with one decimal.
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", 100*a/b}'; }

# per A B prints A/B with two decimals.
per() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# train_minutes LOG prints the training time in LOG, the output of
# `wakegate train`, in whole minutes: the sum of the trainer's own figures
# ("train: trained in 24m33s," or 1h2m3s; with several networks one line
# each, "train: network 1 of 2: trained in 26m8s,"). Prints nothing when
# LOG has none.
train_minutes() {
  awk 'match($0, /^train: (network [0-9]+ of [0-9]+: )?trained in [0-9hms.]+,/) {
    d = $0; sub(/.*trained in /, "", d); sub(/,.*/, "", d)
    h = m = sec = 0
    if (match(d, /[0-9]+h/)) h = substr(d, RSTART, RLENGTH - 1)
    if (match(d, /[0-9]+m/)) m = substr(d, RSTART, RLENGTH - 1)
    if (match(d, /[0-9.]+s/)) sec = substr(d, RSTART, RLENGTH - 1)
    t += h * 60 + m + sec / 60; n++
  } END { if (n) print int(t + 0.5) }' "$1"
}

# shared_bench prints the bench kit's folder, SHARED/bench (SHARED defaults
# to ../shared, beside the repository), or says where it looked and fails.
# Scripts call it before any long work, so a missing kit is not found only
# after a model has trained.
shared_bench() {
  local d="${SHARED:-../shared}/bench"
  [ -d "$d" ] || { echo "$(basename "$0"): no bench kit at $d: the repository must sit beside ../shared, or set SHARED" >&2; return 1; }
  (cd "$d" && pwd)
}
