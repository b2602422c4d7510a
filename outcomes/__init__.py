"""The hospital's own outcomes: its cases with follow-up as a cohort, their survival
analysed with evidence.survival, the Outcomes page, its CSV and API, and the "similar
patients here" panel of the case page.

One module per job: `labels` (the choices and their names), `cohort` (the query),
`analysis` (plain data in, plain data out, on evidence.survival), `charts` (SVG),
`forms`, `formatting` (figures as the pages print them), `export` (CSV), `similar` (the
case page's panel), `reports` (cohort, analysis and chart together for the views),
`views`, `api`.
"""
