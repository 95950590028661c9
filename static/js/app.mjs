// Start GOV.UK Frontend, and MOJ Frontend if the page has MOJ components.
//
// templates/base.html loads this module with the URLs of the built files, as
// given by Django's {% static %} tag (which may add a content hash):
//
//   <script type="module" src="{% static 'js/app.mjs' %}"
//     data-govuk-frontend="{% static 'build/govuk-frontend.min.js' %}"
//     data-moj-frontend="{% static 'build/moj-frontend.min.js' %}"></script>
//
// Importing by those URLs means the browser reuses the module that base.html
// already loaded, rather than downloading a second copy.

function builtFile (attribute, fallback) {
  const script = document.querySelector('script[' + attribute + ']')
  return (script && script.getAttribute(attribute)) || new URL(fallback, import.meta.url).href
}

import(builtFile('data-govuk-frontend', '../build/govuk-frontend.min.js'))
  .then(function (govuk) {
    if (!govuk.isSupported()) return
    govuk.initAll()

    if (document.querySelector('[data-module^="moj-"]')) {
      return import(builtFile('data-moj-frontend', '../build/moj-frontend.min.js'))
        .then(function (moj) { moj.initAll() })
    }
  })
  .catch(function (error) {
    console.error('Could not start GOV.UK Frontend', error)
  })

// Revising a target date offers the timeline "By" and the new date ("By 31 March 2027"),
// filled in as the date is typed, until the officer writes a timeline of their own. Without
// the script, an empty timeline is filled in the same way when the form is saved.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December']

const OFFER = new RegExp('^By \\d{1,2} (' + MONTHS.join('|') + ') \\d{4}$')

function timelineFromDate (timeline) {
  const form = timeline.form
  if (!form) return
  const parts = ['0', '1', '2'].map(function (i) {
    return form.querySelector('[name="new_date_' + i + '"]')
  })
  if (parts.some(function (part) { return !part })) return
  // Offer only over the timeline in force (or an empty box, or the last offer): never over
  // words the officer typed, here or before the page came back with a message.
  let offered = null
  function untouched () {
    const value = timeline.value.trim()
    return value === '' || value === offered || OFFER.test(value) ||
      value === (timeline.getAttribute('data-timeline-now') || '').trim()
  }
  function offer () {
    if (!untouched()) return
    const [day, month, year] = parts.map(function (part) { return Number(part.value.trim()) })
    const date = new Date(year, month - 1, day)
    if (year < 1000 || date.getFullYear() !== year || date.getMonth() !== month - 1 ||
        date.getDate() !== day) return
    offered = 'By ' + day + ' ' + MONTHS[month - 1] + ' ' + year
    timeline.value = offered
  }
  parts.forEach(function (part) { part.addEventListener('input', offer) })
}

document.querySelectorAll('[data-module="app-timeline-from-date"]').forEach(timelineFromDate)
