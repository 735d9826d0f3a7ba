#!/usr/bin/env bash
# End-to-end test of the pre-commit hooks: installs the `pre-commit` tool from
# PyPI into target/, makes a throwaway git repository with a crate whose
# staged file leaks a pooled value, and runs this repository's hooks on it
# with `pre-commit try-repo`: `poollint` (built by pre-commit from this
# repository) and `poollint-system` (the poollint on PATH). The leak must fail
# each hook, the fix must pass, and no hook may leave a file in the work tree.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pre-commit
fi
export PATH="$venv/bin:$PATH"
export GIT_AUTHOR_NAME=poollint GIT_AUTHOR_EMAIL=ci@example.invalid
export GIT_COMMITTER_NAME=poollint GIT_COMMITTER_EMAIL=ci@example.invalid
export PRE_COMMIT_HOME="$repo/target/pre-commit-home"

work="$(mktemp -d)"
log="$(mktemp)"  # outside the repository: the hook must see no change
trap 'rm -rf "$work" "$log"' EXIT
cd "$work"
git init -q .
cat > Cargo.toml <<'TOML'
[package]
name = "demo"
version = "0.1.0"
edition = "2021"
TOML
mkdir src
cat > src/pool.rs <<'RS'
pub struct BufPool;
impl BufPool {
    #[poollint::acquire]
    pub fn get(&self) -> Vec<u8> { Vec::new() }
    #[poollint::release]
    pub fn put(&self, buf: Vec<u8>) {}
}
RS
cat > src/lib.rs <<'RS'
mod pool;
pub fn read(pool: &pool::BufPool, sock: &mut impl std::io::Read) -> std::io::Result<usize> {
    let mut buf = pool.get();
    let n = sock.read(&mut buf)?;
    pool.put(buf);
    Ok(n)
}
RS
# The pool is committed; only the file that uses it is staged, so the hook
# gets that file and indexes the rest (the pre-commit case).
git add Cargo.toml src/pool.rs
git commit -q -m pool
leaky="$(cat src/lib.rs)"
git add -A

# The `poollint-system` hook runs the poollint on PATH: this build of it.
(cd "$repo" && cargo build --quiet --bin poollint)
export PATH="$repo/target/debug:$PATH"

untracked() {
  git status --porcelain --untracked-files=all | grep '^??' || true
}

for hook in poollint poollint-system; do
echo "== $hook: a staged file that leaks: the hook must fail"
printf '%s\n' "$leaky" > src/lib.rs
git add -A
if pre-commit try-repo "$repo" "$hook" > "$log" 2>&1; then
  cat "$log"
  echo "FAIL: the hook passed on a leak"
  exit 1
fi
cat "$log"
grep -q "PL001" "$log" || { echo "FAIL: no PL001 in the hook output"; exit 1; }
grep -q "Failed" "$log" || { echo "FAIL: pre-commit did not report a failure"; exit 1; }
left="$(untracked)"
[ -z "$left" ] || { echo "FAIL: the hook left files in the work tree: $left"; exit 1; }

echo "== $hook: the fixed file: the hook must pass"
cat > src/lib.rs <<'RS'
mod pool;
pub fn read(pool: &pool::BufPool, sock: &mut impl std::io::Read) -> std::io::Result<usize> {
    let mut buf = pool.get();
    let n = match sock.read(&mut buf) {
        Ok(n) => n,
        Err(e) => {
            pool.put(buf);
            return Err(e);
        }
    };
    pool.put(buf);
    Ok(n)
}
RS
git add -A
pre-commit try-repo "$repo" "$hook" --all-files > "$log" 2>&1 || { cat "$log"; echo "FAIL: the hook failed on clean code"; exit 1; }
cat "$log"
left="$(untracked)"
[ -z "$left" ] || { echo "FAIL: the hook left files in the work tree: $left"; exit 1; }
done
echo "pre-commit end-to-end: 4 passed, 0 failed"
