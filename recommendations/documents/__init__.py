"""Committee documents: Cabinet-ready PDF action plans and recommendation trackers, a Django
app of its own (label ``documents``), nested in the recommendations package.

- ``spec``: what a document is (kind, recommendations, options), its URL and content key;
- ``content``: what it says, read through ``recommendations.plan.load_plan``;
- ``render``: the PDF, with WeasyPrint (tagged PDF/UA-1, no network);
- ``word``: the same document as a Word document (python-docx), for the council's template;
- ``service``: from the cache, made now, or made by a background task; publishing;
- ``tasks``: the background task that makes a large document (Django's tasks framework);
- ``models``, ``forms``, ``views``, ``urls``, ``templates/documents/``: the app's own.
"""
