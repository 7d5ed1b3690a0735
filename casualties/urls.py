"""Page routes for the casualties app: the editors' queue and decisions."""

from django.urls import path

from casualties import views

urlpatterns = [
    path("editor/conflicts/", views.conflicts, name="conflicts"),
    # Before the figure's page: "grade" would otherwise be read as a figure's category.
    path("editor/attacks/<int:pk>/grade/", views.grade_override, name="grade-override"),
    path("editor/attacks/<int:pk>/<slug:category>/", views.decision, name="decision"),
    path("editor/decisions/<int:pk>/restore/", views.decision_restore, name="decision-version-restore"),
    path("editor/claims/<int:pk>/accept/", views.claim_accept, name="claim-accept"),
    path("editor/proposals/<int:pk>/", views.proposal_decide, name="proposal-decide"),
]
