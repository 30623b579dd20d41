import { definePreset } from '../../tooling/vitest/preset.js'

export default definePreset()
