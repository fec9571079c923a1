/** Removes the tarballs global-setup.cjs packed (kept with WEFT_PACK_E2E_KEEP=1, to look at them). */
const { rmSync } = require('node:fs');

module.exports = async function removeTarballs() {
  const dir = process.env.WEFT_PACK_E2E_DIR;
  if (dir && !process.env.WEFT_PACK_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
};
