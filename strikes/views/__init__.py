"""Pages of the strikes app, by topic: ``explore`` (map, timeline, list), ``attacks`` (the attack
page, publishing, retraction), ``analyst`` (the attack form, place suggestions, drafts) and
``account`` (the API token). ``urls.py`` names each view."""
