"""``autopilot ui``: a local, read-only web app over a repository's runs, issues and costs.

:mod:`~autopilot.app.ui.server` holds the Starlette app and its server, :mod:`~autopilot.app.ui.index`
the run index and step pages, :mod:`~autopilot.app.ui.follow` the journal follower behind the live
page, :mod:`~autopilot.app.ui.views` what each page shows. Templates and static files (with the
vendored Chart.js) ship in the package: there is no build step.
"""
