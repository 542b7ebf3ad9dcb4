"""The fleet page's command, at the name the README and users' pipelines call:
``python -m okta_m365_audit.fleet RESULTS_DIR [-o OUT.html]``. Nothing else lives here: the
fleet page is built in outputs/fleet/.

May import: outputs.fleet (it is an entry point, like plugin/).
"""
