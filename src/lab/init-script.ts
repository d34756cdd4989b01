/**
 * Run by /bin/sh as pid 1 of a node's new pid, mount, uts and ipc namespaces (inside its netns):
 * builds the node's root on an overlay, pivots into it, starts sshd and becomes the reaping init.
 * Arguments: pidfile lowerdirs upperdir workdir mountpoint hostname.
 */
export const NODE_INIT_SCRIPT = `set -eu
pidfile=$1 lower=$2 upper=$3 work=$4 root=$5 host=$6
# /proc is still the host's here, so this is the host's pid of this shell, the node's init.
read -r hostpid _rest < /proc/self/stat
echo "$hostpid" > "$pidfile.tmp"
mv "$pidfile.tmp" "$pidfile"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
cd "$root"
mount -t proc -o nosuid,nodev,noexec proc proc
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys
mount -t tmpfs -o nosuid,mode=0755 devtmp dev
for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  name=\${spec%%:*} nums=\${spec#*:}
  mknod -m 0666 "dev/$name" c "\${nums%:*}" "\${nums#*:}"
done
mkdir dev/pts dev/shm
# A devpts instance of its own: sudo and ssh -t need ptys, and the host's must not be shared.
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts dev/pts
ln -s pts/ptmx dev/ptmx
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin
ln -s /proc/self/fd/1 dev/stdout
ln -s /proc/self/fd/2 dev/stderr
mount -t tmpfs -o nosuid,nodev,mode=1777 shm dev/shm
mount -t tmpfs -o nosuid,nodev,mode=0755 run run
mount -t tmpfs -o nosuid,nodev,mode=1777 tmp tmp
echo "$host" > proc/sys/kernel/hostname
pivot_root . .
umount -l .
cd /
mkdir -p -m 0755 /run/sshd /var/log
/usr/sbin/sshd -E /var/log/sshd.log
exec perl -e '$0 = "fleet-lab-init"; while (1) { sleep 1 if wait() == -1 }'
`;
