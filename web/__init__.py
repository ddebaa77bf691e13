"""The web application of ``oncograph serve``: pages for tumour boards and HTA staff and the HTTP
API under ``/api/v1`` (docs/web.md; decisions 10). Above the loaders in the import order
(``cli.py -> web/ -> graph_loader/ -> queries/ -> ontology/``): it reads patient uploads with
:mod:`graph_loader.patient` and answers with :mod:`queries`."""
