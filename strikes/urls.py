"""Page routes for the strikes app: explore, attacks, drafts and the API-token page."""

from django.urls import path

from strikes.views import account, analyst, attacks, explore

urlpatterns = [
    path("", explore.explore, name="explore"),
    path("explore/data/", explore.explore_data, name="explore-data"),
    path("explore/list/", explore.explore_list, name="explore-list"),
    path("attacks/new/", analyst.attack_create, name="attack-create"),
    path("attacks/<int:pk>/", attacks.attack_detail, name="attack-detail"),
    path("attacks/<int:pk>/edit/", analyst.attack_edit, name="attack-edit"),
    path("attacks/<int:pk>/popup/", attacks.attack_popup, name="attack-popup"),
    path("attacks/<int:pk>/publish/", attacks.attack_publish, name="attack-publish"),
    path("attacks/<int:pk>/retract/", attacks.attack_retract, name="attack-retract"),
    path("drafts/", analyst.drafts, name="drafts"),
    path("places/suggest/", analyst.place_suggest, name="place-suggest"),
    path("profile/", account.profile, name="profile"),
]
