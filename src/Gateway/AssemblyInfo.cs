namespace SmartElek.Gateway;
