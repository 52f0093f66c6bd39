# Helpers shared by the bench scripts (sourced, not run).

# pct A B prints 100·A/B with one decimal.
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", 100*a/b}'; }

# per A B prints A/B with two decimals.
per() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
