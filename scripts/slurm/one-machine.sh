#!/usr/bin/env bash
# A one-machine SLURM cluster, for mpi4ts's CI and as a recipe: the seed's
# "SLURM on a single Raspberry Pi" (seed 001, section 8.2), done on Debian.
#
#   scripts/slurm/one-machine.sh start    # install (as root), configure, start, wait until the node is idle
#   scripts/slurm/one-machine.sh stop     # stop the daemons (the configuration stays)
#   scripts/slurm/one-machine.sh status   # sinfo
#
# One node named after this host, in one partition "debug". The node is
# declared with 16 CPUs (or the machine's count if larger) whatever it has
# (SlurmdParameters=config_overrides), so that jobs of more tasks than cores
# run oversubscribed, as MPI jobs do on a laptop; MPI4TS_SLURM_CPUS changes it. Accounting is off;
# authentication is MUNGE, as on any real cluster. Debian's slurm-wlm 22.05
# ships the PMIx (Open MPI) and PMI-2 (MPICH) plugins: `srun --mpi=pmix` and
# `srun --mpi=pmi2`.
set -euo pipefail

conf=/etc/slurm/slurm.conf
host=$(hostname -s)
cpus=${MPI4TS_SLURM_CPUS:-$(( $(nproc) > 16 ? $(nproc) : 16 ))}

install_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v munged >/dev/null && return
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
}

write_config() {
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
  [ -s /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; }
  chown -R munge:munge /etc/munge /run/munge 2>/dev/null || true
  chmod 0400 /etc/munge/munge.key
  cat > "$conf" <<CONF
# Written by mpi4ts scripts/slurm/one-machine.sh: one node, this machine.
ClusterName=mpi4ts
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
MpiDefault=none
KillWait=2
SlurmdParameters=config_overrides
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

running() { pgrep -x "$1" >/dev/null; }

start() {
  install_packages
  write_config
  # munged refuses a log directory it does not own; --force starts it anyway as root.
  running munged || /usr/sbin/munged --force
  running slurmctld || /usr/sbin/slurmctld
  running slurmd || /usr/sbin/slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -N -o '%t' 2>/dev/null | grep -qx 'idle'; then
      echo "slurm: node $host idle ($cpus CPUs, partition debug)"
      return 0
    fi
    sleep 0.5
  done
  echo "slurm: the node did not become idle within 30 s; last lines of the logs:" >&2
  tail -n 5 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  return 1
}

stop() {
  for d in slurmd slurmctld munged; do pkill -x "$d" 2>/dev/null || true; done
  for _ in $(seq 1 20); do running slurmd || running slurmctld || return 0; sleep 0.25; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
