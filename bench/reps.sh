# shellcheck shell=bash
# Sourced by the bench/*.sh scripts: prints the repetitions asked for, from --reps N
# or --reps=N among the arguments, else REPS, else 3. run-all.sh passes its options
# on to every script; those other than --reps are bench.py's and are ignored here.
#   reps=$(bench_reps "$@")
bench_reps() {
    local n=${REPS:-3}
    while [ $# -gt 0 ]; do
        case "$1" in
        --reps) n=${2:-$n}; shift ;;
        --reps=*) n=${1#--reps=} ;;
        esac
        shift
    done
    echo "$n"
}
