#!/usr/bin/env node
// Build the front-end assets into static/build/ (git-ignored):
//
//   static/build/app.css                 static/scss/app.scss, compressed
//   static/build/govuk-frontend.min.js   GOV.UK Frontend (ES module)
//   static/build/moj-frontend.min.js     MOJ Frontend (ES module)
//   static/build/moj/images/…            MOJ icons that app.css refers to
//   static/build/images/favicon.svg      the service's own favicon
//
// GOV.UK Frontend's fonts and images are NOT copied: they are GOV.UK's
// typeface, crown and crest, which a council may not use.
//
// Usage: npm ci && npm run build

import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, posix, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'static', 'build')
const govuk = join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk')
const moj = join(root, 'node_modules', '@ministryofjustice', 'frontend', 'moj')

const MAX_CSS_BYTES = 300 * 1024

function fail (message) {
  console.error(`build_assets: ${message}`)
  process.exit(1)
}

function copy (from, to) {
  if (!existsSync(from)) fail(`missing ${relative(root, from)}: run npm ci first`)
  mkdirSync(dirname(to), { recursive: true })
  copyFileSync(from, to)
}

function kb (bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`
}

// 1. Start clean, so nothing stale is left behind.
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

// 2. Sass. GOV.UK Frontend 5 and MOJ Frontend use @import and old global
// functions; silence those deprecations rather than print hundreds of lines.
const warnings = []
let result
try {
  result = sass.compile(join(root, 'static', 'scss', 'app.scss'), {
    style: 'compressed',
    loadPaths: [root, join(root, 'static', 'scss')],
    quietDeps: true,
    silenceDeprecations: [
      'import',
      'global-builtin',
      'color-functions',
      'slash-div'
    ],
    logger: {
      warn (message, { deprecation, span }) {
        const where = span?.url ? ` (${relative(root, fileURLToPath(span.url))}:${span.start.line + 1})` : ''
        warnings.push(`${deprecation ? 'deprecation' : 'warning'}: ${message.split('\n')[0]}${where}`)
      },
      debug () {}
    }
  })
} catch (error) {
  fail(`Sass failed:\n${error.message}`)
}
for (const warning of new Set(warnings)) console.warn(`  sass ${warning}`)

const css = result.css

// 3. Check the branding: Arial, and nothing of GDS Transport.
if (/GDS Transport/i.test(css)) fail('app.css mentions "GDS Transport"')
if (/@font-face/i.test(css)) fail('app.css contains @font-face')
if (/\.woff2?\b/i.test(css)) fail('app.css refers to font files')
if (/url\([^)]*(crest|crown)/i.test(css)) fail('app.css refers to the GOV.UK crest or crown')
if (!/font-family:arial,sans-serif/i.test(css)) fail('app.css does not use Arial')
if (Buffer.byteLength(css) > MAX_CSS_BYTES) fail(`app.css is ${kb(Buffer.byteLength(css))}, over ${kb(MAX_CSS_BYTES)}`)

writeFileSync(join(out, 'app.css'), css)

// 4. Copy the images app.css refers to (relative URLs, resolved against
// static/build/), and fail on any URL that would not resolve: Django's
// ManifestStaticFilesStorage (collectstatic) fails on those too.
const urls = new Set([...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]))
for (const url of urls) {
  if (/^(data:|#)/.test(url)) continue
  if (/^([a-z]+:|\/)/i.test(url)) fail(`app.css has a non-relative URL: ${url}`)
  const target = posix.normalize(url.split(/[?#]/)[0])
  if (target.startsWith('moj/images/')) {
    copy(join(moj, 'assets', 'images', target.slice('moj/images/'.length)), join(out, target))
  } else {
    fail(`app.css refers to ${url}, which the build does not provide`)
  }
}

// 5. JavaScript: self-contained ES modules (no bare imports), with source maps.
for (const [from, name] of [
  [join(govuk, 'govuk-frontend.min.js'), 'govuk-frontend.min.js'],
  [join(moj, 'moj-frontend.min.js'), 'moj-frontend.min.js']
]) {
  copy(from, join(out, name))
  if (existsSync(`${from}.map`)) copy(`${from}.map`, join(out, `${name}.map`))
}

// 6. Our own favicon (GOV.UK's favicons are the crown): a small bar chart on
// the brand colour.
const brand = readFileSync(join(root, 'static', 'scss', '_settings.scss'), 'utf8')
  .match(/\$app-brand-colour:\s*(#[0-9a-f]{3,6})/i)?.[1] ?? '#00665e'
mkdirSync(join(out, 'images'), { recursive: true })
writeFileSync(join(out, 'images', 'favicon.svg'),
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  `<rect width="32" height="32" rx="4" fill="${brand}"/>` +
  '<path fill="#fff" d="M7 24h4V14H7zm7 0h4V8h-4zm7 0h4V18h-4z"/>' +
  '</svg>\n')

// 7. Report.
const files = ['app.css', 'govuk-frontend.min.js', 'moj-frontend.min.js', 'images/favicon.svg',
  ...[...urls].filter((u) => u.startsWith('moj/images/'))]
for (const file of files) {
  const path = join(out, file)
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 8)
  console.log(`  static/build/${file}  ${kb(statSync(path).size)}  ${hash}`)
}
console.log('build_assets: done')
