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
