"""Page routes for the strikes app: explore, attacks, drafts and the API-token page."""

from django.urls import path

from strikes import views

urlpatterns = [
    path("", views.explore, name="explore"),
    path("explore/data/", views.explore_data, name="explore-data"),
    path("explore/list/", views.explore_list, name="explore-list"),
    path("attacks/new/", views.attack_create, name="attack-create"),
    path("attacks/<int:pk>/", views.attack_detail, name="attack-detail"),
    path("attacks/<int:pk>/edit/", views.attack_edit, name="attack-edit"),
    path("attacks/<int:pk>/popup/", views.attack_popup, name="attack-popup"),
    path("attacks/<int:pk>/publish/", views.attack_publish, name="attack-publish"),
    path("attacks/<int:pk>/retract/", views.attack_retract, name="attack-retract"),
    path("drafts/", views.drafts, name="drafts"),
    path("places/suggest/", views.place_suggest, name="place-suggest"),
    path("profile/", views.profile, name="profile"),
]
