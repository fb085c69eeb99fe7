namespace SmartElek.Actors;
